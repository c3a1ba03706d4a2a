# zdvfs_dlopen_name(PREFIX LIB PACKAGE): for a library opened with dlopen at
# first use instead of being linked (src/base/dynlib.c), defines for the
# sources of the calling directory's targets PREFIX_SONAME (what dlopen
# asks for: the library's SONAME), PREFIX_PATH (the file found here, tried
# when the soname is not in the loader's path) and PREFIX_PACKAGE (the
# Debian package shipping it, from dpkg when it knows, else PACKAGE), as
# C string macros in ${PREFIX}_DEFINES.
function(zdvfs_dlopen_name prefix lib package)
  get_filename_component(real "${lib}" REALPATH)
  set(soname "")
  if(CMAKE_OBJDUMP)
    execute_process(COMMAND ${CMAKE_OBJDUMP} -p "${real}"
                    OUTPUT_VARIABLE dump ERROR_QUIET)
    if(dump MATCHES "SONAME +([^ \n]+)")
      set(soname "${CMAKE_MATCH_1}")
    endif()
  endif()
  if(soname STREQUAL "")
    get_filename_component(soname "${real}" NAME)
  endif()
  find_program(ZDVFS_DPKG_QUERY dpkg-query)
  if(ZDVFS_DPKG_QUERY)
    execute_process(COMMAND ${ZDVFS_DPKG_QUERY} -S "${real}"
                    OUTPUT_VARIABLE owner ERROR_QUIET RESULT_VARIABLE r)
    if(r EQUAL 0 AND owner MATCHES "^([^:, ]+)")
      set(package "${CMAKE_MATCH_1}")
    endif()
  endif()
  message(STATUS "${prefix}: dlopen ${soname} (${real}), package ${package}")
  set(${prefix}_DEFINES "${prefix}_SONAME=\"${soname}\""
      "${prefix}_PATH=\"${real}\"" "${prefix}_PACKAGE=\"${package}\""
      PARENT_SCOPE)
endfunction()
