/* test_features_golden.c - the analyser against the golden table of the
 * project's workloads (tests/features/golden.tsv, decided by reading each
 * program): every workload that exists has a row, every feature agrees or
 * its disagreement is explained in golden-exceptions.tsv; a parse error or
 * an exception no longer needed fails too. Prints the
 * agreement. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "feature_test.h"

#define MAX_ROWS 128

struct row {
	char name[64];
	char value[ZD_FEAT_COUNT][32];
};

struct exception {
	char name[64];
	int feature;
	char value[32];
	bool used;
};

static struct row golden[MAX_ROWS];
static int ngolden;
static struct exception exceptions[MAX_ROWS];
static int nexceptions;

/* Tab-separated fields of line into f (at most max); returns the count. */
static int fields(char *line, char **f, int max)
{
	int n = 0;
	line[strcspn(line, "\r\n")] = '\0';
	for (char *save = NULL, *t = strtok_r(line, "\t", &save);
	     t != NULL && n < max; t = strtok_r(NULL, "\t", &save))
		f[n++] = t;
	return n;
}

static int load(void)
{
	char line[2048];
	char *f[ZD_FEAT_COUNT + 2];
	FILE *in = fopen(FIXTURES "/golden.tsv", "r");
	if (in == NULL)
		return -1;
	while (fgets(line, sizeof(line), in) != NULL && ngolden < MAX_ROWS) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (fields(line, f, ZD_FEAT_COUNT + 2) != ZD_FEAT_COUNT + 1) {
			fclose(in);
			return -1;
		}
		struct row *r = &golden[ngolden++];
		snprintf(r->name, sizeof(r->name), "%s", f[0]);
		for (int i = 0; i < ZD_FEAT_COUNT; i++)
			snprintf(r->value[i], sizeof(r->value[i]), "%s",
				 f[i + 1]);
	}
	fclose(in);
	in = fopen(FIXTURES "/golden-exceptions.tsv", "r");
	if (in == NULL)
		return -1;
	while (fgets(line, sizeof(line), in) != NULL &&
	       nexceptions < MAX_ROWS) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (fields(line, f, 5) != 4) {
			fclose(in);
			return -1;
		}
		struct exception *e = &exceptions[nexceptions++];
		snprintf(e->name, sizeof(e->name), "%s", f[0]);
		e->feature = zd_feature_by_name(f[1]);
		snprintf(e->value, sizeof(e->value), "%s", f[2]);
		if (e->feature < 0) {
			fclose(in);
			return -1;
		}
	}
	fclose(in);
	return 0;
}

static void table_is_well_formed(void **state)
{
	(void)state;
	assert_true(ngolden > 0);
	for (int r = 0; r < ngolden; r++)
		for (int i = 0; i < ZD_FEAT_COUNT; i++)
			if (zd_feature_value_parse(i, golden[r].value[i]) < 0)
				fail_msg(
				    "%s: %s = '%s' is not in the value set",
				    golden[r].name, zd_feature_name(i),
				    golden[r].value[i]);
}

static const struct row *row_of(const char *name)
{
	for (int r = 0; r < ngolden; r++)
		if (strcmp(golden[r].name, name) == 0)
			return &golden[r];
	return NULL;
}

static struct exception *exception_of(const char *name, int feature,
				      const char *value)
{
	for (int i = 0; i < nexceptions; i++)
		if (strcmp(exceptions[i].name, name) == 0 &&
		    exceptions[i].feature == feature &&
		    strcmp(exceptions[i].value, value) == 0)
			return &exceptions[i];
	return NULL;
}

static int agree, explained, wrong, programs;

static void compare_dir(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	const char *inc[] = {"-I" ZDVFS_SOURCE_DIR "/workloads/common"};
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		char name[64], path[4200];
		snprintf(name, sizeof(name), "%.*s", (int)(len - 2), e->d_name);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		const struct row *g = row_of(name);
		if (g == NULL) {
			printf("not ok: %s has no row in golden.tsv\n", name);
			wrong++;
			continue;
		}
		struct zd_features *f = analyse_file(path, inc, 1);
		assert_non_null(f);
		if (f->nerrors > 0) {
			/* Features of a broken parse say nothing. */
			printf("not ok: %s: %d parse errors\n", name,
			       f->nerrors);
			wrong++;
		}
		programs++;
		for (int i = 0; i < ZD_FEAT_COUNT; i++) {
			const char *got =
			    zd_feature_value_name(i, f->feat[i].value);
			if (strcmp(got, g->value[i]) == 0) {
				agree++;
				continue;
			}
			struct exception *x = exception_of(name, i, got);
			if (x != NULL) {
				x->used = true;
				explained++;
				continue;
			}
			printf(
			    "not ok: %s %s: analyser %s, golden %s (rule %s: "
			    "%s)\n",
			    name, zd_feature_name(i), got, g->value[i],
			    f->feat[i].rule, f->feat[i].why);
			wrong++;
		}
		zd_features_free(f);
	}
	closedir(d);
}

static void workloads_agree(void **state)
{
	(void)state;
	compare_dir(ZDVFS_SOURCE_DIR "/workloads/bots");
	compare_dir(ZDVFS_SOURCE_DIR "/workloads/polybench");
	/* An exception the analyser no longer needs hides nothing now but
	 * would hide a regression later: remove it from the table. */
	for (int i = 0; i < nexceptions; i++)
		if (!exceptions[i].used) {
			printf("not ok: exception no longer needed: %s %s\n",
			       exceptions[i].name,
			       zd_feature_name(exceptions[i].feature));
			wrong++;
		}
	int total = agree + explained + wrong;
	printf("golden table: %d programs, %d of %d features agree (%.1f%%), "
	       "%d explained, %d unexplained\n",
	       programs, agree, total, total ? 100.0 * agree / total : 0.0,
	       explained, wrong);
	assert_true(programs > 0);
	assert_int_equal(wrong, 0);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (load() != 0) {
		fprintf(stderr,
			"cannot read %s/golden.tsv or "
			"golden-exceptions.tsv\n",
			FIXTURES);
		return 1;
	}
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(table_is_well_formed),
	    cmocka_unit_test(workloads_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
