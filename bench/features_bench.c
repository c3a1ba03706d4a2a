/* features_bench.c - milliseconds per program for `zdvfs features` over
 * the project's workloads: the median of cold analyses (no cache) and of
 * lookups from a warm cache in a temporary directory. A figure for the
 * notes, not a test.
 *
 * usage: features_bench [-r REPEATS] [SOURCE_DIR]   (default: the tree it
 * was built from; workloads/bots and workloads/polybench) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "zdvfs/features.h"

#ifndef ZDVFS_SOURCE_DIR
#define ZDVFS_SOURCE_DIR "."
#endif

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list(const char *dir, char ***files, int *n)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		perror(dir);
		return -1;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		char **v = realloc(*files, ((size_t)*n + 1) * sizeof(char *));
		if (v == NULL)
			break;
		*files = v;
		if (asprintf(&v[*n], "%s/%s", dir, e->d_name) < 0)
			break;
		(*n)++;
	}
	closedir(d);
	return 0;
}

/* One analysis; its time in ms, -1 on failure. */
static double once(const char *file, const char *inc, const char *cache,
		   int *cached)
{
	const char *files[] = {file};
	const char *args[] = {inc};
	struct zd_feat_request req = {files,         1,    args, 1, NULL,
				      cache == NULL, cache};
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	double t0 = now_ms();
	if (zd_features_analyze(&req, &f, &err) != 0) {
		fprintf(stderr, "%s: %s\n", file, err.msg);
		return -1;
	}
	double ms = now_ms() - t0;
	*cached = f->cached;
	zd_features_free(f);
	return ms;
}

int main(int argc, char **argv)
{
	int repeats = 5, opt;
	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt != 'r' || (repeats = atoi(optarg)) < 1) {
			fprintf(stderr,
				"usage: features_bench [-r REPEATS] "
				"[SOURCE_DIR]\n");
			return 2;
		}
	}
	const char *src = optind < argc ? argv[optind] : ZDVFS_SOURCE_DIR;
	char dir[4096], inc[4200], cache[] = "/tmp/zdvfs-fbench-XXXXXX";
	char **files = NULL;
	int n = 0;
	snprintf(dir, sizeof(dir), "%s/workloads/bots", src);
	list(dir, &files, &n);
	snprintf(dir, sizeof(dir), "%s/workloads/polybench", src);
	list(dir, &files, &n);
	snprintf(inc, sizeof(inc), "-I%s/workloads/common", src);
	if (n == 0 || mkdtemp(cache) == NULL) {
		fprintf(stderr, "features_bench: no workloads under %s\n", src);
		return 1;
	}
	qsort(files, (size_t)n, sizeof(char *), cmp_str);
	double *cold = calloc((size_t)n, sizeof(double));
	double *warm = calloc((size_t)n, sizeof(double));
	double *t = calloc((size_t)repeats * 4 + 1, sizeof(double));
	if (cold == NULL || warm == NULL || t == NULL)
		return 1;
	printf("%-40s %10s %10s\n", "program", "cold ms", "cached ms");
	for (int i = 0; i < n; i++) {
		int cached = 0;
		for (int r = 0; r < repeats; r++)
			t[r] = once(files[i], inc, NULL, &cached);
		cold[i] = median(t, repeats);
		once(files[i], inc, cache, &cached); /* fill */
		for (int r = 0; r < repeats * 4; r++)
			t[r] = once(files[i], inc, cache, &cached);
		warm[i] = median(t, repeats * 4);
		if (!cached)
			fprintf(stderr, "%s: not taken from the cache\n",
				files[i]);
		const char *name = strrchr(files[i], '/');
		printf("%-40s %10.2f %10.3f\n", name ? name + 1 : files[i],
		       cold[i], warm[i]);
	}
	double mc = median(cold, n), mw = median(warm, n);
	printf("%d programs, %d repeats: median %.2f ms cold, %.3f ms from "
	       "the cache\n",
	       n, repeats, mc, mw);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", cache);
	if (system(cmd) != 0)
		fprintf(stderr, "features_bench: could not remove %s\n", cache);
	for (int i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(cold);
	free(warm);
	free(t);
	return 0;
}
