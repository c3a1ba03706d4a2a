/* cache.c - results by content: a file per key (the hash of the analyser,
 * the sources, their options) holding the result and the hashes of the
 * project headers it depends on, so an edited header is a miss too.
 * Writes go to a temporary file renamed into place: readers never see
 * half an entry, and concurrent writers of one key both leave a whole one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "features/features_json.h"
#include "base/jsonread.h"
#include "internal.h"

int zd_features_cache_dir(const struct zd_feat_request *req, char *buf,
			  size_t len, struct zd_err *err)
{
	const char *env;
	if (req != NULL && req->cache_dir != NULL && req->cache_dir[0])
		snprintf(buf, len, "%s", req->cache_dir);
	else if ((env = getenv("ZDVFS_CACHE_DIR")) != NULL && env[0])
		snprintf(buf, len, "%s", env);
	else if ((env = getenv("XDG_CACHE_HOME")) != NULL && env[0])
		snprintf(buf, len, "%s/zdvfs", env);
	else if ((env = getenv("HOME")) != NULL && env[0])
		snprintf(buf, len, "%s/.cache/zdvfs", env);
	else
		return zd_fail(
		    err, ENOENT,
		    "no cache directory: set ZDVFS_CACHE_DIR or HOME, "
		    "or use --no-cache");
	return 0;
}

static void entry_path(const char *dir, const char *key, char *buf, size_t len)
{
	snprintf(buf, len, "%s/features-%s.json", dir, key);
}

/* 0 hit, 1 miss (absent, stale or damaged: it will be rewritten). */
int fx_cache_lookup(const char *dir, const char *key, struct zd_features **out)
{
	char path[4200];
	entry_path(dir, key, path, sizeof(path));
	json_t *j = NULL;
	struct zd_err ignored = {0};
	if (zd_jr_load(path, ZD_JR_LARGE_MAX, 0, &j, &ignored) != 0)
		return 1;
	int rc = 1;
	const char *k = json_string_value(json_object_get(j, "key"));
	const json_t *deps = json_object_get(j, "deps");
	if (k == NULL || strcmp(k, key) != 0 || !json_is_array(deps))
		goto out;
	for (size_t i = 0; i < json_array_size(deps); i++) {
		const json_t *d = json_array_get(deps, i);
		const char *p = json_string_value(json_object_get(d, "path"));
		const char *h = json_string_value(json_object_get(d, "sha256"));
		char now[65];
		if (p == NULL || h == NULL || fx_sha256_file(p, now) != 0 ||
		    strcmp(now, h) != 0)
			goto out;
	}
	struct zd_err err = {0};
	if (zd_features_from_json(json_object_get(j, "result"), out, &err) == 0)
		rc = 0;
out:
	json_decref(j);
	return rc;
}

static int mkdirs(const char *dir)
{
	char buf[4200];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *s = buf + 1; *s != '\0'; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int fx_cache_store(const char *dir, const char *key,
		   const struct zd_features *f, char *const *deps, int ndeps)
{
	int rc = mkdirs(dir);
	if (rc != 0)
		return rc;
	json_t *d = json_array();
	for (int i = 0; d != NULL && i < ndeps; i++) {
		char h[65];
		if (fx_sha256_file(deps[i], h) != 0)
			continue;
		char *p = fx_utf8(deps[i]);
		if (p != NULL && strcmp(p, deps[i]) == 0)
			json_array_append_new(d,
					      json_pack("{s:s, s:s}", "path",
							deps[i], "sha256", h));
		free(p);
	}
	json_t *j = json_pack("{s:s, s:o, s:o}", "key", key, "deps", d,
			      "result", zd_features_json(f));
	if (j == NULL)
		return -ENOMEM;
	char path[4200], tmp[4300];
	entry_path(dir, key, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		json_decref(j);
		return -errno;
	}
	rc = json_dumpfd(j, fd, JSON_COMPACT) == 0 ? 0 : -EIO;
	json_decref(j);
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc != 0)
		unlink(tmp);
	return rc;
}
