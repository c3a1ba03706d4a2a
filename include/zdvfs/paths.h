/* paths.h - where zdvfs finds what it ships (board descriptions, workloads
 * and their profiles, the default model), found at run time, never baked in
 * at build time: an installed zdvfs reads PREFIX/share/zdvfs, one run from
 * its build directory reads the source tree that build was configured from. */
#ifndef ZDVFS_PATHS_H
#define ZDVFS_PATHS_H

#include <stddef.h>

/* What zdvfs ships, each a directory. */
enum zd_data_kind {
	ZD_DATA_PLATFORMS, /* board descriptions: $ZDVFS_PLATFORM_DIR */
	ZD_DATA_WORKLOADS, /* manifest, sources, profiles: $ZDVFS_WORKLOAD_DIR */
	ZD_DATA_MODELS,    /* the default model: $ZDVFS_MODEL_DIR */
};

/* The directory of `kind`: its environment variable if set; else
 * EXE/../share/zdvfs/NAME if it exists (installed); else, when the program
 * runs from a build directory (CMakeCache.txt in its directory or up to
 * three above), SOURCE/NAME for shipped data and BUILD/NAME for what the
 * build makes (the default model); else NAME, relative to the current
 * directory. The answer is computed once per process. */
const char *zd_data_dir(enum zd_data_kind kind);

/* The build directory this program runs from ("" if it is installed or
 * was moved); workload binaries live in BUILD/workloads. */
const char *zd_build_dir(void);

#endif
