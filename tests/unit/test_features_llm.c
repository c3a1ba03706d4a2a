/* test_features_llm.c - the LLM second opinion against a local server that
 * speaks the chat-completions protocol (tests/features/llm_server.c, its
 * path in argv[1]): valid answers taken, invalid ones refused with the
 * static value kept, retries on 5xx and unusable answers, none on 404, a
 * timeout, no server at all. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>

#include <cmocka.h>

#include "features/features_json.h"
#include "feature_test.h"

#define FX(name) FIXTURES "/" name

static const char *server_path;

struct server {
	pid_t pid;
	char dir[64];
	char url[64];
	char log[128];
};

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void start(struct server *s, const char *mode)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/zdvfs-llm-XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	char port_file[128];
	snprintf(port_file, sizeof(port_file), "%s/port", s->dir);
	snprintf(s->log, sizeof(s->log), "%s/requests", s->dir);
	s->pid = fork();
	assert_true(s->pid >= 0);
	if (s->pid == 0) {
		execl(server_path, server_path, mode, port_file, s->log,
		      (char *)NULL);
		_exit(127);
	}
	int port = 0;
	for (int i = 0; i < 200 && port == 0; i++) {
		FILE *f = fopen(port_file, "r");
		if (f != NULL) {
			if (fscanf(f, "%d", &port) != 1)
				port = 0;
			fclose(f);
		}
		if (port == 0)
			usleep(20000);
	}
	assert_true(port > 0);
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%d", port);
}

static void stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", s->dir);
	assert_int_equal(system(cmd), 0);
}

static struct zd_features *stencil(void)
{
	struct zd_features *f = analyse_file(FX("stencil.c"), NULL, 0);
	assert_non_null(f);
	return f;
}

static void ask(struct zd_features *f, const char *url, long timeout_ms,
		int retries)
{
	struct zd_feat_llm_request req = {url, "test-model", timeout_ms,
					  retries, 0};
	struct zd_err err = {0};
	assert_int_equal(zd_features_llm(f, &req, &err), 0);
	assert_non_null(f->llm);
}

static void valid_answers_taken(void **state)
{
	(void)state;
	struct server s;
	start(&s, "good");
	struct zd_features *f = stencil();
	int before[ZD_FEAT_COUNT];
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		before[i] = f->feat[i].value;
	ask(f, s.url, 5000, 2);
	assert_null(f->llm->error);
	assert_int_equal(f->llm->attempts, 1);
	assert_int_equal(f->llm->valid, ZD_FEAT_COUNT);
	assert_int_equal(f->llm->value[ZD_FEAT_ALGORITHMIC_COMPLEXITY], 3);
	assert_string_equal(f->llm->model, "test-model");
	assert_non_null(strstr(f->llm->url, "/v1/chat/completions"));
	int agree = 0;
	for (int i = 0; i < ZD_FEAT_COUNT; i++) {
		assert_int_equal(f->feat[i].value, before[i]); /* untouched */
		agree += f->llm->value[i] == f->feat[i].value;
	}
	assert_int_equal(f->llm->agree, agree);
	/* both side by side in the JSON */
	json_t *j = zd_features_json(f);
	json_t *l = json_object_get(json_object_get(j, "llm"), "features");
	assert_string_equal(
	    json_string_value(json_object_get(
		json_object_get(l, "scalability_bottleneck"), "value")),
	    "memory_bandwidth");
	json_decref(j);
	/* the request: the model, strict JSON, the value sets, the source */
	FILE *log = fopen(s.log, "r");
	assert_non_null(log);
	char req[65536];
	size_t n = fread(req, 1, sizeof(req) - 1, log);
	req[n] = '\0';
	fclose(log);
	assert_non_null(strstr(req, "\"model\":\"test-model\""));
	assert_non_null(strstr(req, "json_object"));
	assert_non_null(strstr(req, "non_unit_stride"));
	assert_non_null(strstr(req, "jacobi"));
	zd_features_free(f);
	stop(&s);
}

static void fenced_answer_taken(void **state)
{
	(void)state;
	struct server s;
	start(&s, "fenced");
	struct zd_features *f = stencil();
	ask(f, s.url, 5000, 0);
	assert_null(f->llm->error);
	assert_int_equal(f->llm->valid, ZD_FEAT_COUNT);
	zd_features_free(f);
	stop(&s);
}

static void invalid_answers_refused(void **state)
{
	(void)state;
	struct server s;
	start(&s, "invalid");
	struct zd_features *f = stencil();
	ask(f, s.url, 5000, 2);
	assert_null(f->llm->error);
	assert_int_equal(f->llm->attempts, 1);
	/* "High" is valid (case), dominant_operation and data_dependency
	 * too; "sequential", 3, "O(n!)" and the missing ones are not */
	assert_int_equal(f->llm->valid, 3);
	assert_int_equal(f->llm->value[ZD_FEAT_SPATIAL_LOCALITY], 0);
	assert_int_equal(f->llm->value[ZD_FEAT_MEMORY_ACCESS_PATTERN], -1);
	assert_string_equal(f->llm->answer[ZD_FEAT_MEMORY_ACCESS_PATTERN],
			    "sequential");
	assert_int_equal(f->llm->value[ZD_FEAT_TEMPORAL_LOCALITY], -1);
	assert_int_equal(f->llm->value[ZD_FEAT_ALGORITHMIC_COMPLEXITY], -1);
	assert_int_equal(f->llm->value[ZD_FEAT_NUMA_SENSITIVITY], -1);
	assert_null(f->llm->answer[ZD_FEAT_NUMA_SENSITIVITY]);
	zd_features_free(f);
	stop(&s);
}

static void garbage_retried_then_static_kept(void **state)
{
	(void)state;
	struct server s;
	start(&s, "garbage");
	struct zd_features *f = stencil();
	ask(f, s.url, 5000, 2);
	assert_non_null(f->llm->error);
	assert_int_equal(f->llm->attempts, 3);
	assert_int_equal(f->llm->valid, 0);
	for (int i = 0; i < ZD_FEAT_COUNT; i++)
		assert_int_equal(f->llm->value[i], -1);
	zd_features_free(f);
	stop(&s);
}

static void server_error_retried(void **state)
{
	(void)state;
	struct server s;
	start(&s, "flaky");
	struct zd_features *f = stencil();
	ask(f, s.url, 5000, 2);
	assert_null(f->llm->error);
	assert_int_equal(f->llm->attempts, 2);
	assert_int_equal(f->llm->valid, ZD_FEAT_COUNT);
	zd_features_free(f);
	stop(&s);
}

static void not_found_not_retried(void **state)
{
	(void)state;
	struct server s;
	start(&s, "notfound");
	struct zd_features *f = stencil();
	ask(f, s.url, 5000, 3);
	assert_non_null(strstr(f->llm->error, "404"));
	assert_int_equal(f->llm->attempts, 1);
	zd_features_free(f);
	stop(&s);
}

static void timeout_respected(void **state)
{
	(void)state;
	struct server s;
	start(&s, "slow");
	struct zd_features *f = stencil();
	double t0 = now_s();
	ask(f, s.url, 300, 1);
	double took = now_s() - t0;
	assert_non_null(f->llm->error);
	assert_int_equal(f->llm->attempts, 2);
	assert_true(took < 3.0);
	zd_features_free(f);
	stop(&s);
}

static void no_server(void **state)
{
	(void)state;
	struct server s;
	start(&s, "good");
	char url[64];
	snprintf(url, sizeof(url), "%s", s.url);
	stop(&s); /* nobody listens there any more */
	struct zd_features *f = stencil();
	ask(f, url, 2000, 1);
	assert_non_null(f->llm->error);
	assert_int_equal(f->llm->valid, 0);
	zd_features_free(f);
	/* not a URL at all: a usage error */
	f = stencil();
	struct zd_feat_llm_request req = {"ftp://x", NULL, 0, 0, 0};
	struct zd_err err = {0};
	assert_int_not_equal(zd_features_llm(f, &req, &err), 0);
	assert_int_equal(err.exit, ZD_EXIT_USAGE);
	zd_features_free(f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: test_features_llm LLM_SERVER\n");
		return 2;
	}
	server_path = argv[1];
	unsetenv("ZDVFS_LLM_API_KEY");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_answers_taken),
	    cmocka_unit_test(fenced_answer_taken),
	    cmocka_unit_test(invalid_answers_refused),
	    cmocka_unit_test(garbage_retried_then_static_kept),
	    cmocka_unit_test(server_error_retried),
	    cmocka_unit_test(not_found_not_retried),
	    cmocka_unit_test(timeout_respected),
	    cmocka_unit_test(no_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
