/* state.h - the journal of original values that makes every change undoable:
 * each entry is written to a state file (mode 0600, in a private 0700
 * directory, never through a symlink) before the change it covers, so that
 * `zdvfs restore` can put the machine back even after zdvfs was killed.
 * Also the per-domain locks that keep two zdvfs off one cpufreq policy. */
#ifndef ZDVFS_STATE_H
#define ZDVFS_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "zdvfs/err.h"
#include "zdvfs/sysfs.h"

struct zd_state;

/* The state file, the sysfs root its paths are under ("" for the real "/"),
 * the zdvfs that wrote it, and how many original values it holds. */
const char *zd_state_path(const struct zd_state *s);
pid_t zd_state_pid(const struct zd_state *s);
const char *zd_state_sysfs_root(const struct zd_state *s);
int zd_state_count(const struct zd_state *s);

/* $ZDVFS_STATE_DIR, else /run/zdvfs as root, else $XDG_RUNTIME_DIR/zdvfs,
 * else /tmp/zdvfs-UID. Created 0700 if missing; refused if it is a symlink,
 * not a directory, owned by someone else or writable by others. */
int zd_state_dir(char *out, size_t len, struct zd_err *err);

/* A new empty journal for this process; nothing is written until the first
 * zd_state_record. */
int zd_state_new(const struct zd_sysfs *fs, struct zd_state **out,
		 struct zd_err *err);
/* Record `rel`'s current content (once per path) and persist the journal
 * before returning; only then may the caller write `rel`. */
int zd_state_record(struct zd_state *s, const struct zd_sysfs *fs,
		    const char *rel, struct zd_err *err);
/* Write every original value back, newest first, with a second pass for
 * writes that depend on order (scaling_min_freq/scaling_max_freq). On full
 * success the journal is emptied and the state file removed. */
int zd_state_apply(struct zd_state *s, struct zd_sysfs *fs, struct zd_err *err);
int zd_state_load(const char *path, struct zd_state **out, struct zd_err *err);
void zd_state_free(struct zd_state *s);

/* Take the lock for one cpufreq policy of one sysfs root; returns an fd to
 * keep open (closing releases it) or a negative errno (-EBUSY: held by
 * another zdvfs, named in the message). */
int zd_state_lock_domain(const struct zd_sysfs *fs, int policy,
			 struct zd_err *err);

#endif
