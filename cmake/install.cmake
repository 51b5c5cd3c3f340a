# Installation: `cmake --install BUILD [--prefix DIR]` puts in place
#
#   lib/libbootmm.{a,so}          the freestanding core (bootmm::core, ::core_static)
#   lib/libbootmm_host.{a,so}     the POSIX host (bootmm::host, ::host_static)
#   include/bootmm/*.h            the public API, and nothing else of the tree
#   include/bootmm/compat/linux/memblock.h
#                                 the kernel-names layer (bootmm::linux_compat)
#   bin/bootmm, share/man/man1/bootmm.1
#   lib/pkgconfig/bootmm.pc, bootmm-host.pc
#   lib/cmake/bootmm/             find_package(bootmm) (bootmmConfig.cmake)
#
# The simulator (sim/) and the parsers (host/bootlog*) are not installed:
# their headers are the command's internals and change with every kernel
# era bootmm models; the command is how they are used from outside.
#
# include/linux/memblock.h goes under include/bootmm/compat/ rather than
# include/linux/: /usr/include/linux belongs to the kernel's UAPI headers
# (linux-libc-dev), and a memblock.h there would shadow nothing today but
# claim a name that is the kernel's. Code written against the kernel's
# names adds that directory to its include path (pkg-config variable
# compat_includedir; CMake target bootmm::linux_compat).

include(CMakePackageConfigHelpers)

# While the major version is 0, every minor release may change the layout
# of the public structures (struct bm_machine lives in the embedder's
# memory): the soname carries the minor then (libbootmm.so.0.1).
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(BOOTMM_SOVERSION ${PROJECT_VERSION_MAJOR}.${PROJECT_VERSION_MINOR})
  set(BOOTMM_COMPAT SameMinorVersion)
else()
  set(BOOTMM_SOVERSION ${PROJECT_VERSION_MAJOR})
  set(BOOTMM_COMPAT SameMajorVersion)
endif()
set_target_properties(bootmm_core_shared bootmm_host_shared PROPERTIES
  VERSION ${PROJECT_VERSION} SOVERSION ${BOOTMM_SOVERSION})

add_library(bootmm_linux_compat INTERFACE)
set_target_properties(bootmm_linux_compat PROPERTIES EXPORT_NAME linux_compat)
target_link_libraries(bootmm_linux_compat INTERFACE bootmm_core_shared)
target_include_directories(bootmm_linux_compat INTERFACE
  $<BUILD_INTERFACE:${CMAKE_SOURCE_DIR}/include>
  $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}/bootmm/compat>)

install(TARGETS bootmm_core bootmm_core_shared bootmm_host bootmm_host_shared
                bootmm_linux_compat
  EXPORT bootmmTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES
  include/bootmm/boot.h include/bootmm/host.h include/bootmm/machine.h
  include/bootmm/memblock.h include/bootmm/mm.h include/bootmm/prim.h
  include/bootmm/types.h include/bootmm/version.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/bootmm)
install(FILES include/linux/memblock.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/bootmm/compat/linux)
install(TARGETS bootmm RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES docs/bootmm.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES LICENSE CHANGELOG.md README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})

# pkg-config: prefix relative to the .pc file, so a staged or moved install
# still points at itself.
set(BOOTMM_PC_DIR ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
file(RELATIVE_PATH BOOTMM_PC_UP /root/${BOOTMM_PC_DIR} /root)
string(REGEX REPLACE "/$" "" BOOTMM_PC_UP "${BOOTMM_PC_UP}")
set(BOOTMM_PC_FDT "")
if(BOOTMM_HAVE_LIBFDT)
  set(BOOTMM_PC_FDT " -lfdt")
endif()
foreach(pc bootmm bootmm-host)
  configure_file(cmake/${pc}.pc.in ${CMAKE_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${CMAKE_BINARY_DIR}/${pc}.pc DESTINATION ${BOOTMM_PC_DIR})
endforeach()

set(BOOTMM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/bootmm)
install(EXPORT bootmmTargets NAMESPACE bootmm:: DESTINATION ${BOOTMM_CMAKE_DIR})
configure_package_config_file(cmake/bootmmConfig.cmake.in
  ${CMAKE_BINARY_DIR}/bootmmConfig.cmake INSTALL_DESTINATION ${BOOTMM_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/bootmmConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY ${BOOTMM_COMPAT})
install(FILES ${CMAKE_BINARY_DIR}/bootmmConfig.cmake
              ${CMAKE_BINARY_DIR}/bootmmConfigVersion.cmake
  DESTINATION ${BOOTMM_CMAKE_DIR})
