# What `cmake --install` puts where (GNUInstallDirs), the man pages, the
# default model, pkg-config and the Debian package (CPack). Included from
# the top-level CMakeLists.txt after every target exists.
include(GNUInstallDirs)

# The layers, top first, as a linker wants static libraries.
set(ZDVFS_LAYERS zdvfs_eval zdvfs_engine zdvfs_model zdvfs_features
    zdvfs_store zdvfs_run zdvfs_workload zdvfs_sim zdvfs_policy zdvfs_hw
    zdvfs_base)
set(ZDVFS_SHARE ${CMAKE_INSTALL_DATADIR}/zdvfs)

install(TARGETS zdvfs-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# The OMPT tool `zdvfs characterize` loads into the programs it measures
# (found as EXE/../libexec/zdvfs, src/eval/characterize.c).
if(TARGET zdvfs_ompt)
  install(TARGETS zdvfs_ompt LIBRARY
          DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/zdvfs)
endif()
install(TARGETS ${ZDVFS_LAYERS} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY include/zdvfs DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY platforms/ DESTINATION ${ZDVFS_SHARE}/platforms
        FILES_MATCHING PATTERN "*.json")
# The workloads' sources go too: the features of a workload are read from
# them (`zdvfs run --board sim:B --workload W`, the bench).
install(DIRECTORY workloads/ DESTINATION ${ZDVFS_SHARE}/workloads
        FILES_MATCHING PATTERN "*.json" PATTERN "*.c" PATTERN "*.h"
        PATTERN "CMakeLists.txt" EXCLUDE)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        PATTERN "results" EXCLUDE)

# pkg-config: the static layers and what they need.
string(REPLACE ";" " -l" ZDVFS_PC_LIBS "-l${ZDVFS_LAYERS}")
set(ZDVFS_PC_REQUIRES "jansson sqlite3")
# libclang, XGBoost and libcurl are opened at run time, never linked.
set(ZDVFS_PC_LIBS_PRIVATE "-ldl -lm")
# Relative to the .pc file, so the same file serves any --prefix.
file(RELATIVE_PATH ZDVFS_PC_PREFIX
     /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
configure_file(cmake/zdvfs.pc.in ${PROJECT_BINARY_DIR}/zdvfs.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/zdvfs.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# Man pages from the usage texts (cmake/man.cmake), one per command.
find_program(ZDVFS_HELP2MAN help2man)
option(ZDVFS_MAN "Build the man pages (needs help2man)" ON)
if(ZDVFS_MAN AND ZDVFS_HELP2MAN)
  add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/man/zdvfs.1
    COMMAND ${CMAKE_COMMAND} -DZDVFS=$<TARGET_FILE:zdvfs-cli>
            -DHELP2MAN=${ZDVFS_HELP2MAN} -DVERSION=${PROJECT_VERSION}
            -DOUT=${PROJECT_BINARY_DIR}/man -P ${PROJECT_SOURCE_DIR}/cmake/man.cmake
    DEPENDS zdvfs-cli ${PROJECT_SOURCE_DIR}/cmake/man.cmake
    COMMENT "Writing the man pages from the usage texts")
  add_custom_target(zdvfs-man ALL DEPENDS ${PROJECT_BINARY_DIR}/man/zdvfs.1)
  install(DIRECTORY ${PROJECT_BINARY_DIR}/man/
          DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1")
elseif(ZDVFS_MAN)
  message(STATUS "help2man not found: no man pages (scripts/install-deps)")
endif()

# The default model, so that an installed zdvfs decides at once: a profiling
# sweep of every shipped profile on every board, then training. It depends on
# the data and on the code that makes its truth and its inputs (simulator,
# profiles, sweep, features, model), not on the rest, so that most code
# changes do not retrain it but none leaves it stale.
option(ZDVFS_DEFAULT_MODEL "Build the default model from the shipped profiles" ON)
if(ZDVFS_DEFAULT_MODEL)
  file(GLOB_RECURSE ZDVFS_PROFILE_FILES CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/workloads/profiles/*.json)
  file(GLOB ZDVFS_BOARD_FILES CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/platforms/*.json)
  file(GLOB ZDVFS_MODEL_CODE CONFIGURE_DEPENDS
       ${PROJECT_SOURCE_DIR}/src/sim/*.[ch] ${PROJECT_SOURCE_DIR}/src/workload/*.[ch]
       ${PROJECT_SOURCE_DIR}/src/features/*.[ch] ${PROJECT_SOURCE_DIR}/src/model/*.[ch]
       ${PROJECT_SOURCE_DIR}/src/base/board.c ${PROJECT_SOURCE_DIR}/src/eval/sweep.c)
  set(ZDVFS_DEFAULT_MODEL_FILE ${PROJECT_BINARY_DIR}/models/default.model)
  add_custom_command(OUTPUT ${ZDVFS_DEFAULT_MODEL_FILE}
    COMMAND ${CMAKE_COMMAND} -DZDVFS=$<TARGET_FILE:zdvfs-cli>
            -DOUT=${ZDVFS_DEFAULT_MODEL_FILE}
            -P ${PROJECT_SOURCE_DIR}/cmake/default-model.cmake
    DEPENDS ${ZDVFS_PROFILE_FILES} ${ZDVFS_BOARD_FILES} ${ZDVFS_MODEL_CODE}
            ${PROJECT_SOURCE_DIR}/workloads/manifest.json
            ${PROJECT_SOURCE_DIR}/cmake/default-model.cmake
    COMMENT "Training the default model from the shipped profiles (minutes)")
  add_custom_target(zdvfs-default-model ALL DEPENDS ${ZDVFS_DEFAULT_MODEL_FILE})
  add_dependencies(zdvfs-default-model zdvfs-cli)
  install(FILES ${ZDVFS_DEFAULT_MODEL_FILE} DESTINATION ${ZDVFS_SHARE}/models)
endif()

# A Debian package from the same rules: `cpack -G DEB` in the build tree.
set(CPACK_PACKAGE_NAME zdvfs)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "zdvfs developers <zdvfs@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "zero-shot core and frequency allocation for OpenMP programs")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
