# Builds the default model: every board's decision grid over the shipped
# workload profiles, swept in a scratch store, then one model trained on all.
# Run in script mode: cmake -DZDVFS=path/to/zdvfs -DOUT=FILE -P default-model.cmake
# The grid is coarser than `zdvfs sweep`'s default (3 levels per cluster,
# starting at ambient) so that a build takes minutes, not a quarter hour; a
# user's own runs refine the model as usual.
get_filename_component(dir ${OUT} DIRECTORY)
set(db ${dir}/default-model.db)
file(MAKE_DIRECTORY ${dir})
file(REMOVE ${db} ${db}-wal ${db}-shm)
execute_process(COMMAND ${ZDVFS} platforms --json OUTPUT_VARIABLE boards_json
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "default model: `zdvfs platforms --json` failed")
endif()
string(JSON n LENGTH "${boards_json}")
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON board GET "${boards_json}" ${i} name)
  execute_process(COMMAND ${ZDVFS} sweep --board ${board} --grid 3
                          --temps ambient --db ${db} --quiet
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "default model: profiling ${board} failed (${rc})")
  endif()
endforeach()
execute_process(COMMAND ${ZDVFS} model train --db ${db} --out ${OUT}.tmp
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "default model: training failed (${rc})")
endif()
file(RENAME ${OUT}.tmp ${OUT})
file(REMOVE ${db} ${db}-wal ${db}-shm)
