/* sysfs.h - every file zdvfs reads or writes on a Linux machine goes through
 * here, relative to one root directory (like hwloc's HWLOC_FSROOT), so tests
 * replay fake trees and a fault switch can fail the Nth write on purpose. */
#ifndef ZDVFS_SYSFS_H
#define ZDVFS_SYSFS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zdvfs/err.h"

struct zd_sysfs {
	char root[PATH_MAX]; /* no trailing slash; "" for the real "/" */
	bool is_host;        /* the root is this machine's own "/" */
};

/* root: NULL means $ZDVFS_SYSFS_ROOT, else "/". The root must be a directory. */
int zd_sysfs_init(struct zd_sysfs *fs, const char *root, struct zd_err *err);

/* Absolute path of `rel` (which has no leading slash). */
int zd_sysfs_path(const struct zd_sysfs *fs, const char *rel, char *out,
		  size_t len);
bool zd_sysfs_exists(const struct zd_sysfs *fs, const char *rel);

/* Whole file, trailing newlines stripped. */
int zd_sysfs_read_str(const struct zd_sysfs *fs, const char *rel, char *buf,
		      size_t len, struct zd_err *err);
int zd_sysfs_read_u64(const struct zd_sysfs *fs, const char *rel,
		      uint64_t *value, struct zd_err *err);
int zd_sysfs_read_s64(const struct zd_sysfs *fs, const char *rel,
		      int64_t *value, struct zd_err *err);
int zd_sysfs_write_str(struct zd_sysfs *fs, const char *rel, const char *value,
		       struct zd_err *err);

#endif
