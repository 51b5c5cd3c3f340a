# SPDX-License-Identifier: MIT
# The example kernel (examples/kernel): bootmm's core as the physical memory
# manager of a minimal x86-64 kernel, booted under QEMU by
# tests/kernel_boot.sh. Optional: built only where the host compiler is GCC
# targeting x86-64 and make and GNU ld exist; part of `all` and tested only
# where qemu-system-x86_64 is installed (BOOTMM_KERNEL=OFF turns it off).
option(BOOTMM_KERNEL "Build and test the example kernel where the tools exist" ON)
if(NOT BOOTMM_KERNEL OR NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$"
   OR NOT CMAKE_C_COMPILER_ID STREQUAL "GNU")
  return()
endif()
find_program(BOOTMM_MAKE NAMES make gmake)
find_program(BOOTMM_LD ld)
if(NOT BOOTMM_MAKE OR NOT BOOTMM_LD)
  return()
endif()
find_program(BOOTMM_QEMU_X86 qemu-system-x86_64)

set(BOOTMM_KERNEL_DIR ${CMAKE_BINARY_DIR}/kernel)
set(BOOTMM_KERNEL_ELF ${BOOTMM_KERNEL_DIR}/bootmm-kernel.elf)
file(GLOB BOOTMM_KERNEL_DEPS CONFIGURE_DEPENDS
  ${CMAKE_SOURCE_DIR}/examples/kernel/*.c ${CMAKE_SOURCE_DIR}/examples/kernel/*.h
  ${CMAKE_SOURCE_DIR}/examples/kernel/*.S ${CMAKE_SOURCE_DIR}/examples/kernel/*.ld
  ${CMAKE_SOURCE_DIR}/examples/kernel/Makefile
  ${CMAKE_SOURCE_DIR}/core/*.c ${CMAKE_SOURCE_DIR}/core/*.h
  ${CMAKE_SOURCE_DIR}/include/bootmm/*.h)
# Its own flags (freestanding, no red zone, no SSE): none of the project's
# (sanitizers, coverage) apply to a kernel.
add_custom_command(OUTPUT ${BOOTMM_KERNEL_ELF}
  COMMAND ${CMAKE_COMMAND} -E env MAKEFLAGS= ${BOOTMM_MAKE} -s -C ${CMAKE_SOURCE_DIR}/examples/kernel
          O=${BOOTMM_KERNEL_DIR} CC=${CMAKE_C_COMPILER} LD=${BOOTMM_LD}
  DEPENDS ${BOOTMM_KERNEL_DEPS}
  COMMENT "Building the example kernel examples/kernel"
  VERBATIM)
if(BOOTMM_QEMU_X86)
  add_custom_target(bootmm_kernel ALL DEPENDS ${BOOTMM_KERNEL_ELF})
  add_test(NAME kernel_boot COMMAND bash ${CMAKE_SOURCE_DIR}/tests/kernel_boot.sh
           $<TARGET_FILE:bootmm> ${CMAKE_SOURCE_DIR} ${BOOTMM_KERNEL_ELF})
  set_tests_properties(kernel_boot PROPERTIES TIMEOUT 300 LABELS qemu)
else()
  add_custom_target(bootmm_kernel DEPENDS ${BOOTMM_KERNEL_ELF})
endif()
