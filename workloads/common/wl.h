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
