/* characterize.h - `zdvfs characterize`: measure any OpenMP program (a
 * binary and its arguments, as the user runs it) the way tools/characterize
 * measures the project's workloads, and write one profile per board
 * (docs/profile-format.md, "Profiles of any program").
 *
 * Three kinds of run, all of the program exactly as given:
 *   - valgrind's callgrind (OMP_NUM_THREADS=1) once per distinct cache
 *     geometry of the boards' clusters plus a footprint run: instruction,
 *     access and miss counts of the whole program or, with a region, of
 *     that function and what it calls (--toggle-collect);
 *   - the OMPT tool (tools/ompt/zdvfs_ompt.c) under LLVM's libomp, 2
 *     threads (a libgomp program is run on libomp's GOMP interface):
 *     parallel structure of the whole program;
 *   - native timed runs with 1 and 2 threads: wall time of the process.
 * Nothing is extrapolated: the profile stands for the run measured.
 * valgrind and libomp are found at run time; a missing one is an error
 * naming its package. */
#ifndef ZDVFS_CHARACTERIZE_H
#define ZDVFS_CHARACTERIZE_H

#include <signal.h>
#include <stdio.h>

#include "zdvfs/err.h"

struct zd_char_opts {
	char *const *argv; /* the program and its arguments, NULL-ended */
	const char *const *boards; /* board names; NULL (0): all boards */
	int nboards;
	const char *platform_dir; /* NULL: zd_data_dir(ZD_DATA_PLATFORMS) */
	const char *region;       /* a function (callgrind's name); NULL */
	const char *name;   /* the profile's program name; NULL: basename */
	const char *source; /* the program's source, recorded; may be NULL */
	/* a FILE.json (one board only) or a directory: DIR/BOARD/NAME.json */
	const char *out;
	const char *keep;    /* keep raw measurements here; NULL: temporary */
	int timing_runs;     /* per thread count, median; 0: 3 */
	int ompt_runs;       /* median; 0: 3 */
	const char *command; /* the command line, for generated_by */
	FILE *log;           /* progress lines; NULL: none */
	/* set (by a stop signal, signals.h) to stop: the program's run is
	 * ended, nothing is written, the temporary directory is removed and
	 * -EINTR returned; NULL: never */
	const volatile sig_atomic_t *stop;
};

/* Measure and write the profiles. A program that cannot be run, exits
 * non-zero or never enters the region is an input error (exit status 2)
 * naming it (its raw measurements kept); a missing tool is a runtime error
 * naming its package. */
int zd_characterize(const struct zd_char_opts *o, struct zd_err *err);

/* Where the OMPT tool library is: $ZDVFS_OMPT_LIB, else BUILD/tools (a
 * build tree), else EXE/../libexec/zdvfs (an install). */
int zd_characterize_ompt_lib(char *out, size_t len, struct zd_err *err);

#endif
