/* SPDX-License-Identifier: MIT */
/*
 * bootmm's version: the one place it is written. CMakeLists.txt reads the
 * three numbers below for project(VERSION), the shared library's
 * VERSION/SOVERSION, bootmm.pc and bootmmConfigVersion.cmake, and the
 * command prints BOOTMM_VERSION; so a release changes this file only.
 * Kept by hand rather than generated so that a build without CMake (a
 * kernel linking the core freestanding) sees the same numbers.
 */
#ifndef BOOTMM_VERSION_H
#define BOOTMM_VERSION_H

#define BOOTMM_VERSION_MAJOR 0
#define BOOTMM_VERSION_MINOR 1
#define BOOTMM_VERSION_PATCH 0

#define BOOTMM__STR(x) #x
#define BOOTMM__XSTR(x) BOOTMM__STR(x)
/* "MAJOR.MINOR.PATCH" */
#define BOOTMM_VERSION							\
	BOOTMM__XSTR(BOOTMM_VERSION_MAJOR) "." BOOTMM__XSTR(BOOTMM_VERSION_MINOR) "."	\
	BOOTMM__XSTR(BOOTMM_VERSION_PATCH)
/* One number for #if: 0x00MMmmpp. */
#define BOOTMM_VERSION_NUMBER						\
	((BOOTMM_VERSION_MAJOR << 16) | (BOOTMM_VERSION_MINOR << 8) | BOOTMM_VERSION_PATCH)

#endif /* BOOTMM_VERSION_H */
