/* state.c - the undo journal, its state file, and the policy locks. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/jsonread.h"
#include "zdvfs/fault.h"
#include "zdvfs/state.h"

struct zd_state_entry {
	char *rel;      /* path relative to the sysfs root */
	char *original; /* content before zdvfs touched it */
};

struct zd_state {
	char path[4096];       /* the state file */
	char sysfs_root[4096]; /* "" for the real "/" */
	pid_t pid;             /* the zdvfs that wrote it */
	struct zd_state_entry *entries;
	int nentries;
	bool on_disk;
};

#define STATE_FORMAT "zdvfs-state 1"
/* Only cpufreq attributes are ever journaled; a state file naming anything
 * else is refused, so a forged file cannot make a root restore write
 * arbitrary files. */
#define STATE_PATH_PREFIX "sys/devices/system/cpu/"
#define STATE_VALUE_MAX 256

static int ensure_private_dir(const char *dir, struct zd_err *err)
{
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return zd_fail(err, errno,
			       "cannot create state directory %s: %s", dir,
			       strerror(errno));
	struct stat st;
	if (lstat(dir, &st) != 0)
		return zd_fail(err, errno, "state directory %s: %s", dir,
			       strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return zd_fail(err, ENOTDIR,
			       "state directory %s is a symlink or not a "
			       "directory; refusing to use it",
			       dir);
	if (st.st_uid != geteuid() || (st.st_mode & 0022) != 0)
		return zd_fail(err, EPERM,
			       "state directory %s is owned by another user or "
			       "writable by others; refusing to use it",
			       dir);
	return 0;
}

int zd_state_dir(char *out, size_t len, struct zd_err *err)
{
	const char *env = getenv("ZDVFS_STATE_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	int n;
	if (env != NULL && env[0] != '\0')
		n = snprintf(out, len, "%s", env);
	else if (geteuid() == 0)
		n = snprintf(out, len, "/run/zdvfs");
	else if (xdg != NULL && xdg[0] == '/')
		n = snprintf(out, len, "%s/zdvfs", xdg);
	else
		n = snprintf(out, len, "/tmp/zdvfs-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= len)
		return zd_fail(err, ENAMETOOLONG,
			       "state directory path too long");
	return ensure_private_dir(out, err);
}

int zd_state_new(const struct zd_sysfs *fs, struct zd_state **out,
		 struct zd_err *err)
{
	*out = NULL;
	struct zd_state *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	char dir[2048];
	int rc = zd_state_dir(dir, sizeof(dir), err);
	if (rc != 0) {
		free(s);
		return rc;
	}
	/* One file per journal: a process may drive two platforms. */
	static int serial;
	s->pid = getpid();
	snprintf(s->path, sizeof(s->path), "%s/state-%ld-%d.json", dir,
		 (long)s->pid, serial++);
	snprintf(s->sysfs_root, sizeof(s->sysfs_root), "%s", fs->root);
	*out = s;
	return 0;
}

static json_t *state_to_json(const struct zd_state *s)
{
	json_t *entries = json_array();
	for (int i = 0; i < s->nentries; i++)
		json_array_append_new(entries,
				      json_pack("{s:s, s:s}", "path",
						s->entries[i].rel, "value",
						s->entries[i].original));
	return json_pack("{s:s, s:I, s:s, s:o}", "format", STATE_FORMAT, "pid",
			 (json_int_t)s->pid, "sysfs_root", s->sysfs_root,
			 "entries", entries);
}

/* Write the journal to a fresh temporary file, fsync, rename into place:
 * the state file is always either the old or the new journal, whole. */
static int state_save(struct zd_state *s, struct zd_err *err)
{
	char tmp[4200];
	snprintf(tmp, sizeof(tmp), "%s.tmp", s->path);
	json_t *j = state_to_json(s);
	char *text = j ? json_dumps(j, JSON_INDENT(1)) : NULL;
	json_decref(j);
	if (text == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	unlink(tmp);
	if (zd_fault_hit(ZD_FAULT_STATE_SAVE)) {
		free(text);
		return zd_fail(err, ENOSPC,
			       "cannot write state file %s: %s "
			       "(fault injected by ZDVFS_FAULT_STATE_SAVE)",
			       tmp, strerror(ENOSPC));
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	int rc = 0;
	if (fd < 0) {
		rc = zd_fail(err, errno, "cannot create state file %s: %s", tmp,
			     strerror(errno));
		free(text);
		return rc;
	}
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);
	if (n < 0 || (size_t)n != len || write(fd, "\n", 1) != 1 ||
	    fsync(fd) != 0)
		rc = zd_fail(err, errno ? errno : EIO,
			     "cannot write state file %s: %s", tmp,
			     strerror(errno ? errno : EIO));
	if (close(fd) != 0 && rc == 0)
		rc = zd_fail(err, errno, "cannot write state file %s: %s", tmp,
			     strerror(errno));
	free(text);
	if (rc == 0 && rename(tmp, s->path) != 0)
		rc = zd_fail(err, errno, "cannot write state file %s: %s",
			     s->path, strerror(errno));
	if (rc != 0)
		unlink(tmp);
	else
		s->on_disk = true;
	return rc;
}

static bool recorded(const struct zd_state *s, const char *rel)
{
	for (int i = 0; i < s->nentries; i++)
		if (strcmp(s->entries[i].rel, rel) == 0)
			return true;
	return false;
}

static int append_entry(struct zd_state *s, const char *rel, const char *value,
			struct zd_err *err)
{
	struct zd_state_entry *grown =
	    realloc(s->entries, (size_t)(s->nentries + 1) * sizeof(*grown));
	if (grown == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	s->entries = grown;
	char *r = strdup(rel), *v = strdup(value);
	if (r == NULL || v == NULL) {
		free(r);
		free(v);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	s->entries[s->nentries].rel = r;
	s->entries[s->nentries].original = v;
	s->nentries++;
	return 0;
}

int zd_state_record(struct zd_state *s, const struct zd_sysfs *fs,
		    const char *rel, struct zd_err *err)
{
	if (recorded(s, rel))
		return 0;
	if (strncmp(rel, STATE_PATH_PREFIX, strlen(STATE_PATH_PREFIX)) != 0)
		return zd_fail(err, EINVAL,
			       "internal: refusing to journal %s (outside %s)",
			       rel, STATE_PATH_PREFIX);
	char value[STATE_VALUE_MAX];
	int rc = zd_sysfs_read_str(fs, rel, value, sizeof(value), err);
	if (rc != 0)
		return rc;
	if ((rc = append_entry(s, rel, value, err)) != 0)
		return rc;
	rc = state_save(s, err);
	if (rc != 0) {
		/* Not persisted means not allowed to change it. */
		s->nentries--;
		free(s->entries[s->nentries].rel);
		free(s->entries[s->nentries].original);
	}
	return rc;
}

int zd_state_apply(struct zd_state *s, struct zd_sysfs *fs, struct zd_err *err)
{
	bool *done = calloc((size_t)s->nentries + 1, sizeof(bool));
	if (done == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	int failed = 0;
	/* The second pass catches writes refused only because of order, such
	 * as scaling_min_freq above the current scaling_max_freq. */
	for (int pass = 0; pass < 2; pass++) {
		failed = 0;
		for (int i = s->nentries - 1; i >= 0; i--) {
			if (done[i])
				continue;
			struct zd_err step = {0};
			if (zd_sysfs_write_str(fs, s->entries[i].rel,
					       s->entries[i].original,
					       &step) == 0)
				done[i] = true;
			else if (pass == 1 && failed++ == 0)
				zd_fail(err, step.code,
					"restore incomplete: %s", step.msg);
		}
	}
	free(done);
	if (failed > 0)
		return err->code ? err->code : -EIO;
	for (int i = 0; i < s->nentries; i++) {
		free(s->entries[i].rel);
		free(s->entries[i].original);
	}
	s->nentries = 0;
	if (s->on_disk && unlink(s->path) != 0 && errno != ENOENT)
		return zd_fail(err, errno, "restored, but cannot remove %s: %s",
			       s->path, strerror(errno));
	s->on_disk = false;
	return 0;
}

static bool valid_entry_path(const char *rel)
{
	return strncmp(rel, STATE_PATH_PREFIX, strlen(STATE_PATH_PREFIX)) ==
	    0 &&
	    strstr(rel, "..") == NULL && strchr(rel, '\n') == NULL;
}

static int parse_state(const char *path, json_t *root, struct zd_state *s,
		       struct zd_err *err)
{
	const char *format = NULL, *sysroot = NULL;
	json_int_t pid = 0;
	json_t *entries = NULL;
	json_error_t jerr;
	if (json_unpack_ex(root, &jerr, JSON_STRICT, "{s:s, s:I, s:s, s:o}",
			   "format", &format, "pid", &pid, "sysfs_root",
			   &sysroot, "entries", &entries) != 0)
		return zd_bad_input(err, "%s: not a zdvfs state file: %s", path,
				    jerr.text);
	if (strcmp(format, STATE_FORMAT) != 0)
		return zd_bad_input(err, "%s: format '%s' is not '%s'", path,
				    format, STATE_FORMAT);
	if (!json_is_array(entries))
		return zd_bad_input(err, "%s: entries must be an array", path);
	s->pid = (pid_t)pid;
	snprintf(s->sysfs_root, sizeof(s->sysfs_root), "%s", sysroot);
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		const char *rel = NULL, *value = NULL;
		if (json_unpack_ex(e, &jerr, JSON_STRICT, "{s:s, s:s}", "path",
				   &rel, "value", &value) != 0)
			return zd_bad_input(err, "%s: entries[%zu]: %s", path,
					    i, jerr.text);
		if (!valid_entry_path(rel))
			return zd_bad_input(
			    err,
			    "%s: entries[%zu].path: '%s' is not "
			    "a cpufreq attribute; refusing it",
			    path, i, rel);
		if (strlen(value) >= STATE_VALUE_MAX || strchr(value, '\n'))
			return zd_bad_input(err,
					    "%s: entries[%zu].value is not a "
					    "sysfs value",
					    path, i);
		int rc = append_entry(s, rel, value, err);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int zd_state_load(const char *path, struct zd_state **out, struct zd_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return zd_bad_input(err, "cannot open state file %s: %s", path,
				    strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 0022) != 0) {
		close(fd);
		return zd_bad_input(err,
				    "%s: not a regular file owned by you and "
				    "writable only by you; refusing it",
				    path);
	}
	json_t *root = NULL;
	int rc = zd_jr_load_fd(fd, path, ZD_JR_SMALL_MAX,
			       JSON_REJECT_DUPLICATES, &root, err);
	close(fd);
	if (rc != 0)
		return rc;
	struct zd_state *s = calloc(1, sizeof(*s));
	rc = s ? parse_state(path, root, s, err)
	       : zd_fail(err, ENOMEM, "out of memory");
	json_decref(root);
	if (rc != 0) {
		zd_state_free(s);
		return rc;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->on_disk = true;
	*out = s;
	return 0;
}

void zd_state_free(struct zd_state *s)
{
	if (s == NULL)
		return;
	for (int i = 0; i < s->nentries; i++) {
		free(s->entries[i].rel);
		free(s->entries[i].original);
	}
	free(s->entries);
	free(s);
}

/* FNV-1a: lock files are per sysfs root, so tests on fake trees never
 * contend with the real machine's policies. */
static uint64_t hash_root(const char *root)
{
	uint64_t h = UINT64_C(1469598103934665603);
	for (const unsigned char *p = (const unsigned char *)root; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	return h;
}

int zd_state_lock_domain(const struct zd_sysfs *fs, int policy,
			 struct zd_err *err)
{
	char dir[2048], path[2200];
	int rc = zd_state_dir(dir, sizeof(dir), err);
	if (rc != 0)
		return rc;
	snprintf(path, sizeof(path), "%s/lock-%016llx-policy%d", dir,
		 (unsigned long long)hash_root(fs->root), policy);
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return zd_fail(err, errno, "cannot open lock %s: %s", path,
			       strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		char holder[32] = "?";
		ssize_t n = pread(fd, holder, sizeof(holder) - 1, 0);
		holder[n > 0 ? n : 1] = '\0';
		close(fd);
		if (e == EWOULDBLOCK)
			return zd_fail(err, EBUSY,
				       "cpufreq policy%d is being driven by "
				       "another zdvfs (pid %s); wait for it or "
				       "stop it",
				       policy, holder);
		return zd_fail(err, e, "cannot lock %s: %s", path, strerror(e));
	}
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
		/* The lock holds regardless; the pid is only for messages. */
	}
	return fd;
}

const char *zd_state_path(const struct zd_state *s)
{
	return s->path;
}

pid_t zd_state_pid(const struct zd_state *s)
{
	return s->pid;
}

const char *zd_state_sysfs_root(const struct zd_state *s)
{
	return s->sysfs_root;
}

int zd_state_count(const struct zd_state *s)
{
	return s->nentries;
}
