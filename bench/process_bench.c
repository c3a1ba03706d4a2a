/* process_bench.c - the whole-process costs a user of zdvfs pays (issue
 * 13's figures): wrapping a program (`zdvfs exec`), deciding for a program
 * whose features are cached, the first decision for a program never seen
 * (features included), the model file's size and predicting every
 * decision of a board. Medians of N runs (default 20); wall time, CPU time
 * (user + system, what the wall time is on an idle machine) and peak RSS
 * from wait4.
 *
 *   build/bench/process_bench [--runs N] [--board B] [--predict-board B]
 *                             ZDVFS MODEL SOURCE.c
 *
 * ZDVFS is the zdvfs binary to measure (this tree's or another build's);
 * MODEL the model file it will use by default ($ZDVFS_DATA_DIR) for its
 * size and, when this build reads it, to time predict-all in process. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zdvfs/model.h"

struct sample {
	double wall_ms, cpu_ms, rss_mib;
};

static double now_ms(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs argv with output to /dev/null and, when cache_dir is set, that
 * features cache; 0 when it exited 0. */
static int run(char *const argv[], const char *cache_dir, struct sample *s)
{
	double t0 = now_ms(CLOCK_MONOTONIC);
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (cache_dir)
			setenv("ZDVFS_CACHE_DIR", cache_dir, 1);
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) != pid)
		return -errno;
	s->wall_ms = now_ms(CLOCK_MONOTONIC) - t0;
	s->cpu_ms = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-3;
	s->rss_mib = ru.ru_maxrss / 1024.0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -ECHILD;
}

/* A directory's files, then itself (the features cache is flat). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			char path[4352];
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* n runs of argv; fresh: each with an empty features cache of its own. */
static int measure(const char *what, char *const argv[], int n, bool fresh,
		   struct sample *med)
{
	double *wall = calloc((size_t)n, sizeof(double));
	double *cpu = calloc((size_t)n, sizeof(double));
	double *rss = calloc((size_t)n, sizeof(double));
	int rc = wall && cpu && rss ? 0 : -ENOMEM;
	for (int i = 0; rc == 0 && i < n; i++) {
		char dir[] = "/tmp/zdvfs-bench-cache-XXXXXX";
		if (fresh && !mkdtemp(dir)) {
			rc = -errno;
			break;
		}
		struct sample s;
		rc = run(argv, fresh ? dir : NULL, &s);
		if (fresh)
			remove_dir(dir);
		wall[i] = s.wall_ms;
		cpu[i] = s.cpu_ms;
		rss[i] = s.rss_mib;
	}
	if (rc == 0) {
		med->wall_ms = median(wall, n);
		med->cpu_ms = median(cpu, n);
		med->rss_mib = median(rss, n);
		printf("%-44s %9.1f %9.1f %9.1f\n", what, med->wall_ms,
		       med->cpu_ms, med->rss_mib);
	} else {
		fprintf(stderr,
			"process_bench: %s failed (%s): run `%s` by "
			"hand\n",
			what, strerror(-rc), argv[0]);
	}
	free(wall);
	free(cpu);
	free(rss);
	return rc;
}

/* Medians of n predictions of every decision of the board, after one
 * query for the features of source (analysed in process). */
static int predict_all(const char *model_path, const char *board_name,
		       const char *source, int n)
{
	struct zd_err err = {0};
	struct zd_model *m = NULL;
	struct zd_board *b = NULL;
	struct zd_features *f = NULL;
	struct zd_model_query *q = NULL;
	struct zd_outcome *out = NULL;
	double *cpu = calloc((size_t)n, sizeof(double));
	double *wall = calloc((size_t)n, sizeof(double));
	const char *files[] = {source};
	struct zd_feat_request req = {.files = files, .nfiles = 1};
	int rc = cpu && wall ? 0 : zd_fail(&err, ENOMEM, "out of memory");
	if (rc == 0)
		rc = zd_model_load(model_path, &m, &err);
	if (rc == 0)
		rc = zd_board_load(board_name, NULL, &b, &err);
	if (rc == 0)
		rc = zd_features_analyze(&req, &f, &err);
	struct zd_model_query_opts qo = {.features = f};
	if (rc == 0)
		rc = zd_model_query_new(m, b, &qo, &q, &err);
	int count = rc == 0 ? zd_model_query_space(q)->count : 0;
	if (rc == 0 && !(out = calloc((size_t)count, sizeof(*out))))
		rc = zd_fail(&err, ENOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < n; i++) {
		double w0 = now_ms(CLOCK_MONOTONIC);
		double c0 = now_ms(CLOCK_THREAD_CPUTIME_ID);
		zd_model_predict_all(q, out);
		cpu[i] = now_ms(CLOCK_THREAD_CPUTIME_ID) - c0;
		wall[i] = now_ms(CLOCK_MONOTONIC) - w0;
	}
	if (rc == 0)
		printf("predict all %d decisions of %-17s %9.3f %9.3f\n", count,
		       board_name, median(wall, n), median(cpu, n));
	else
		fprintf(stderr, "process_bench: predict-all: %s\n", err.msg);
	free(out);
	free(cpu);
	free(wall);
	zd_model_query_free(q);
	zd_features_free(f);
	zd_board_free(b);
	zd_model_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	int runs = 20, opt;
	const char *board = "jetson-tx2", *predict_board = "jetson-orin-nx";
	static const struct option longopts[] = {
	    {"runs", required_argument, NULL, 'n'},
	    {"board", required_argument, NULL, 'b'},
	    {"predict-board", required_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'b')
			board = optarg;
		else if (opt == 'p')
			predict_board = optarg;
		else
			return 2;
	}
	if (argc - optind != 3 || runs < 1 || runs > 10000) {
		fprintf(stderr,
			"usage: process_bench [--runs N] [--board B] "
			"[--predict-board B] ZDVFS MODEL SOURCE.c\n");
		return 2;
	}
	char *zdvfs = argv[optind], *model = argv[optind + 1];
	char *source = argv[optind + 2];
	char *truth[] = {"/bin/true", NULL};
	char *exec[] = {zdvfs, "exec", "--cpus", "0", "--", "/bin/true", NULL};
	char *decide[] = {zdvfs,      "decide", "--board", (char *)board,
			  "--source", source,   NULL};
	struct sample t, e, d, first;
	printf("%-44s %9s %9s %9s\n", "medians of runs", "wall ms", "cpu ms",
	       "peak MiB");
	int rc = measure("/bin/true", truth, runs, false, &t);
	if (rc == 0)
		rc = measure("zdvfs exec --cpus 0 -- /bin/true", exec, runs,
			     false, &e);
	if (rc == 0)
		printf("%-44s %9.1f %9.1f\n", "  exec over /bin/true",
		       e.wall_ms - t.wall_ms, e.cpu_ms - t.cpu_ms);
	struct sample warm;
	/* one decision to fill the features cache and the agents file */
	if (rc == 0)
		rc = run(decide, NULL, &warm);
	if (rc == 0)
		rc = measure("zdvfs decide, features cached", decide, runs,
			     false, &d);
	if (rc == 0)
		rc = measure("zdvfs decide, new program (features)", decide,
			     runs, true, &first);
	struct stat st;
	if (stat(model, &st) == 0)
		printf("model file %-33s %9.3f MiB (%lld bytes)\n", model,
		       st.st_size / 1048576.0, (long long)st.st_size);
	else
		fprintf(stderr, "process_bench: %s: %s\n", model,
			strerror(errno));
	printf("%-44s %9s %9s\n", "medians of runs, in process", "wall ms",
	       "cpu ms");
	if (rc == 0)
		rc = predict_all(model, predict_board, source, runs);
	return rc ? 1 : 0;
}
