/* testutil.h - helpers the unit tests share: a fake tree in a fresh
 * temporary directory with its own state directory, and a fingerprint of a
 * tree's contents to prove that "restored" means every file as it was. */
#ifndef ZDVFS_TESTUTIL_H
#define ZDVFS_TESTUTIL_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fakesys.h"

struct fake_root {
	char dir[256]; /* holds tree/ and state/ */
	char tree[300];
	char state[300];
};

static inline int fake_root_make(struct fake_root *fr, enum zt_fake_kind kind)
{
	snprintf(fr->dir, sizeof(fr->dir), "/tmp/zdvfs-test-XXXXXX");
	if (mkdtemp(fr->dir) == NULL)
		return -1;
	snprintf(fr->tree, sizeof(fr->tree), "%s/tree", fr->dir);
	snprintf(fr->state, sizeof(fr->state), "%s/state", fr->dir);
	if (mkdir(fr->tree, 0755) != 0 || mkdir(fr->state, 0700) != 0)
		return -1;
	setenv("ZDVFS_STATE_DIR", fr->state, 1);
	unsetenv("ZDVFS_FAULT_SYSFS_WRITE");
	return zt_fake_create(kind, fr->tree);
}

static inline void fake_root_drop(struct fake_root *fr)
{
	zt_fake_remove(fr->tree);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fr->dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", fr->dir);
}

/* Fingerprint: every regular file's path and content, concatenated. A
 * scaling_setspeed that the kernel would print as "<unsupported>" (governor
 * not userspace) is left out: it is not state there, only in a fake file. */
static char *fingerprint_buf;
static size_t fingerprint_len;
static const char *fingerprint_root;

static inline int fingerprint_add(const char *path, const struct stat *st,
				  int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type != FTW_F)
		return 0;
	if (strstr(path, "scaling_setspeed") != NULL) {
		char gov[512];
		snprintf(gov, sizeof(gov), "%.*s/scaling_governor",
			 (int)(strrchr(path, '/') - path), path);
		FILE *g = fopen(gov, "r");
		char name[64] = "";
		if (g != NULL) {
			if (fgets(name, sizeof(name), g) == NULL)
				name[0] = '\0';
			fclose(g);
		}
		if (strncmp(name, "userspace", 9) != 0)
			return 0;
	}
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	char content[4096];
	size_t n = fread(content, 1, sizeof(content) - 1, f);
	fclose(f);
	/* values as a reader sees them: the kernel's trailing newline aside */
	while (n > 0 && content[n - 1] == '\n')
		n--;
	content[n] = '\0';
	size_t add = strlen(path) + n + 4;
	fingerprint_buf = realloc(fingerprint_buf, fingerprint_len + add + 1);
	fingerprint_len += (size_t)snprintf(
	    fingerprint_buf + fingerprint_len, add + 1, "%s=%s\n",
	    path + strlen(fingerprint_root), content);
	return 0;
}

/* Caller frees. Files are visited in directory order, which is stable for
 * an unchanged tree on one filesystem. */
static inline char *tree_fingerprint(const char *root)
{
	fingerprint_buf = calloc(1, 1);
	fingerprint_len = 0;
	fingerprint_root = root;
	nftw(root, fingerprint_add, 16, FTW_PHYS);
	return fingerprint_buf;
}

#endif
