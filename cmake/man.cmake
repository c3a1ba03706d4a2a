# Writes the man pages from the usage text of the built `zdvfs`, so that
# `zdvfs CMD --help` and `man zdvfs-CMD` can never disagree: zdvfs(1) from
# `zdvfs --help`, and one zdvfs-CMD(1) per command that `zdvfs --help` lists.
# Run in script mode: cmake -DZDVFS=... -DHELP2MAN=... -DVERSION=...
#                            -DOUT=DIR -P man.cmake
execute_process(COMMAND ${ZDVFS} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man pages: `${ZDVFS} --help` failed (${rc})")
endif()
file(MAKE_DIRECTORY ${OUT})

function(page prog title name file)
  execute_process(COMMAND ${HELP2MAN} --no-info --no-discard-stderr
                          --version-string=${VERSION} --section=1
                          --source=zdvfs "--name=${name}" -o ${file} "${prog}"
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man pages: help2man failed for ${prog}")
  endif()
  # help2man titles every page after the executable; a command's page is
  # titled after the command, as git's are.
  file(READ ${file} text)
  string(REGEX REPLACE "\n\\.TH [^ ]+ " "\n.TH ${title} " text "${text}")
  file(WRITE ${file} "${text}")
endfunction()

page("${ZDVFS}" ZDVFS "choose cores and CPU frequencies for OpenMP programs"
     ${OUT}/zdvfs.1)
string(REPLACE "\n" ";" lines "${top}")
set(in_commands FALSE)
foreach(line ${lines})
  if(line MATCHES "^commands:")
    set(in_commands TRUE)
  elseif(in_commands AND line MATCHES "^  ([a-z]+) +(.+)$")
    set(cmd ${CMAKE_MATCH_1})
    string(TOUPPER "ZDVFS-${cmd}" title)
    page("${ZDVFS} ${cmd}" ${title} "${CMAKE_MATCH_2}" ${OUT}/zdvfs-${cmd}.1)
  elseif(in_commands AND line STREQUAL "")
    set(in_commands FALSE)
  endif()
endforeach()
