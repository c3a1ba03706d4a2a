/* feature_test.h - what the feature tests share: a program written to a
 * fresh temporary directory and analysed without the cache, and a check
 * of one feature's value that prints the evidence when it is wrong. */
#ifndef ZDVFS_FEATURE_TEST_H
#define ZDVFS_FEATURE_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zdvfs/features.h"

/* A temporary directory holding name = text; returns the file's path in
 * path (the directory is dirname(path)). */
static inline int write_program(const char *name, const char *text,
				char *path, size_t len)
{
	char dir[64] = "/tmp/zdvfs-feat-XXXXXX";
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, len, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static inline void remove_program(const char *path)
{
	char cmd[4200];
	const char *slash = strrchr(path, '/');
	snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'",
		 (int)(slash ? slash - path : (long)strlen(path)), path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

/* Analyse one file without the cache; prints the error on failure. */
static inline struct zd_features *analyse_file(const char *path,
					       const char *const *args,
					       int nargs)
{
	const char *files[1] = {path};
	struct zd_feat_request req = {files, 1, args, nargs, NULL, true, NULL};
	struct zd_features *f = NULL;
	struct zd_err err = {0};
	if (zd_features_analyze(&req, &f, &err) != 0) {
		fprintf(stderr, "analysis of %s failed: %s\n", path, err.msg);
		return NULL;
	}
	return f;
}

static inline struct zd_features *analyse_text(const char *text)
{
	char path[256];
	if (write_program("prog.c", text, path, sizeof(path)) != 0)
		return NULL;
	struct zd_features *f = analyse_file(path, NULL, 0);
	remove_program(path);
	return f;
}

/* Does feature have value? Says which value and why when it does not. */
static inline int has_value(const struct zd_features *f, int feature,
			    const char *value)
{
	const struct zd_feat_decision *d = &f->feat[feature];
	const char *got = zd_feature_value_name(feature, d->value);
	if (got != NULL && strcmp(got, value) == 0)
		return 1;
	fprintf(stderr, "%s: got %s, wanted %s\n  rule %s: %s\n",
		zd_feature_name(feature), got ? got : "?", value, d->rule,
		d->why);
	for (int i = 0; i < d->nlocs; i++)
		fprintf(stderr, "  at %s\n", d->locs[i]);
	return 0;
}

#endif
