/* wl.h - the small harness every zdvfs workload shares: problem-size
 * argument, timing, result check and the one-line report.
 *
 * Usage of every workload binary:
 *     prog [tiny|small|standard|N]
 * tiny     runs in well under a second (tests, 1 and 2 threads);
 * small    is the size profiles are measured at (cachegrind is ~50x slower);
 * standard is the size a profile stands for (PolyBench "STANDARD"-like).
 * A bare integer N overrides the preset (its meaning is the program's own
 * primary dimension, documented at the top of the program).
 *
 * Exit status: 0 result verified, 1 verification failed, 2 bad usage.
 * Output: one line "NAME size=N threads=T time_s=S check=ok|FAILED".
 *
 * The kernel is timed between wl_kernel_begin() and wl_kernel_end(), which
 * also bracket it for the profilers of tools/characterize (valgrind's
 * callgrind and the OMPT tool), so profiles count the kernel only.
 */
#ifndef ZDVFS_WORKLOAD_WL_H
#define ZDVFS_WORKLOAD_WL_H

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <omp.h>

/* Valgrind's client requests are a few no-op instructions outside valgrind;
 * without its header the markers only time. */
#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define WL_HAVE_CALLGRIND 1
#endif
#endif

struct wl_sizes {
	long tiny;
	long small;
	long standard;
};

/* Parse argv[1] against the presets; exits 2 with a message on bad input. */
static inline long wl_parse_size(int argc, char **argv, const char *name,
				 struct wl_sizes sizes)
{
	if (argc < 2)
		return sizes.tiny;
	if (argc > 2 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: %s [tiny|small|standard|N]\n", name);
		exit(2);
	}
	if (strcmp(argv[1], "tiny") == 0)
		return sizes.tiny;
	if (strcmp(argv[1], "small") == 0)
		return sizes.small;
	if (strcmp(argv[1], "standard") == 0)
		return sizes.standard;
	errno = 0;
	char *end = NULL;
	long n = strtol(argv[1], &end, 10);
	if (errno != 0 || end == argv[1] || *end != '\0' || n < 1 ||
	    n > 100000000L) {
		fprintf(stderr,
			"%s: size '%s' is not tiny, small, standard or an "
			"integer in 1..100000000\n",
			name, argv[1]);
		exit(2);
	}
	return n;
}

/* Allocate or exit 1 with the program's name: workloads never run on NULL. */
static inline void *wl_alloc(const char *name, size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);
	if (p == NULL) {
		fprintf(stderr, "%s: out of memory (%zu x %zu bytes)\n", name,
			count, size);
		exit(1);
	}
	return p;
}

static inline double wl_now(void)
{
	return omp_get_wtime();
}

/* Start of the measured kernel: returns the start time.  Under
 * `valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no` it
 * switches instrumentation (with a cold cache simulator) and collection on;
 * under LLVM's libomp it tells an OMPT tool to start recording.  Setup
 * before it is neither counted nor simulated. */
static inline double wl_kernel_begin(void)
{
#ifdef WL_HAVE_CALLGRIND
	CALLGRIND_START_INSTRUMENTATION;
	CALLGRIND_TOGGLE_COLLECT;
#endif
#ifdef KMP_VERSION_MAJOR /* libomp's omp.h: omp_control_tool exists */
	/* libomp ignores tool control before its "middle" initialisation,
	 * which omp_get_num_procs performs. */
	(void)omp_get_num_procs();
	omp_control_tool(omp_control_tool_start, 0, NULL);
#endif
	return wl_now();
}

/* End of the measured kernel: returns the end time and switches off what
 * wl_kernel_begin switched on, so the serial result check is not counted
 * (and runs at valgrind's uninstrumented speed). */
static inline double wl_kernel_end(void)
{
	double t = wl_now();
#ifdef KMP_VERSION_MAJOR
	omp_control_tool(omp_control_tool_pause, 0, NULL);
#endif
#ifdef WL_HAVE_CALLGRIND
	CALLGRIND_TOGGLE_COLLECT;
	CALLGRIND_STOP_INSTRUMENTATION;
#endif
	return t;
}

/* Relative comparison that tolerates re-association by reductions. */
static inline int wl_close(double a, double b, double rel_tol)
{
	double scale = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
	if (scale < 1.0)
		scale = 1.0;
	return fabs(a - b) <= rel_tol * scale;
}

/* Print the report line and return the process exit status. */
static inline int wl_report(const char *name, long size, double seconds,
			    int ok)
{
	printf("%s size=%ld threads=%d time_s=%.6f check=%s\n", name, size,
	       omp_get_max_threads(), seconds, ok ? "ok" : "FAILED");
	if (!ok)
		fprintf(stderr, "%s: result check FAILED\n", name);
	return ok ? 0 : 1;
}

#endif
