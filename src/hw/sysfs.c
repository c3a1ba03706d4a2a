/* sysfs.c - root-relative, typed reads and writes of kernel attribute files. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "zdvfs/fault.h"
#include "zdvfs/sysfs.h"

int zd_sysfs_init(struct zd_sysfs *fs, const char *root, struct zd_err *err)
{
	memset(fs, 0, sizeof(*fs));
	if (root == NULL || root[0] == '\0')
		root = getenv("ZDVFS_SYSFS_ROOT");
	if (root == NULL || root[0] == '\0')
		root = "/";
	char resolved[PATH_MAX];
	if (realpath(root, resolved) == NULL)
		return zd_bad_input(err, "sysfs root '%s': %s", root,
				    strerror(errno));
	struct stat st;
	if (stat(resolved, &st) != 0 || !S_ISDIR(st.st_mode))
		return zd_bad_input(err, "sysfs root '%s' is not a directory",
				    root);
	fs->is_host = strcmp(resolved, "/") == 0;
	snprintf(fs->root, sizeof(fs->root), "%s", fs->is_host ? "" : resolved);
	return 0;
}

int zd_sysfs_path(const struct zd_sysfs *fs, const char *rel, char *out,
		  size_t len)
{
	size_t root_len = strlen(fs->root), rel_len = strlen(rel);
	if (root_len + 1 + rel_len + 1 > len)
		return -ENAMETOOLONG;
	memcpy(out, fs->root, root_len);
	out[root_len] = '/';
	memcpy(out + root_len + 1, rel, rel_len + 1);
	return 0;
}

bool zd_sysfs_exists(const struct zd_sysfs *fs, const char *rel)
{
	char path[PATH_MAX];
	return zd_sysfs_path(fs, rel, path, sizeof(path)) == 0 &&
	    access(path, F_OK) == 0;
}

int zd_sysfs_read_str(const struct zd_sysfs *fs, const char *rel, char *buf,
		      size_t len, struct zd_err *err)
{
	char path[PATH_MAX];
	if (zd_sysfs_path(fs, rel, path, sizeof(path)) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s/%s: path too long",
			       fs->root, rel);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return zd_fail(err, errno, "cannot read %s: %s", path,
			       strerror(errno));
	size_t used = 0;
	for (;;) {
		if (used + 1 >= len) {
			close(fd);
			return zd_fail(err, EOVERFLOW,
				       "%s: longer than %zu bytes", path, len);
		}
		ssize_t n = read(fd, buf + used, len - 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return zd_fail(err, e, "cannot read %s: %s", path,
				       strerror(e));
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	while (used > 0 && (buf[used - 1] == '\n' || buf[used - 1] == ' '))
		used--;
	buf[used] = '\0';
	return 0;
}

static int parse_integer(const char *path, const char *text, bool is_signed,
			 uint64_t *u, int64_t *s, struct zd_err *err)
{
	char *end = NULL;
	errno = 0;
	if (is_signed)
		*s = strtoll(text, &end, 10);
	else
		*u = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' ||
	    (!is_signed && text[0] == '-'))
		return zd_fail(err, EINVAL, "%s: '%s' is not %s integer", path,
			       text, is_signed ? "an" : "a non-negative");
	return 0;
}

/* One attribute holding one integer, signed or not. */
static int read_integer(const struct zd_sysfs *fs, const char *rel,
			bool is_signed, uint64_t *u, int64_t *s,
			struct zd_err *err)
{
	char buf[64], path[PATH_MAX];
	int rc = zd_sysfs_read_str(fs, rel, buf, sizeof(buf), err);
	if (rc != 0)
		return rc;
	zd_sysfs_path(fs, rel, path, sizeof(path));
	return parse_integer(path, buf, is_signed, u, s, err);
}

int zd_sysfs_read_u64(const struct zd_sysfs *fs, const char *rel,
		      uint64_t *value, struct zd_err *err)
{
	int64_t unused;
	return read_integer(fs, rel, false, value, &unused, err);
}

int zd_sysfs_read_s64(const struct zd_sysfs *fs, const char *rel,
		      int64_t *value, struct zd_err *err)
{
	uint64_t unused;
	return read_integer(fs, rel, true, &unused, value, err);
}

int zd_sysfs_write_str(struct zd_sysfs *fs, const char *rel, const char *value,
		       struct zd_err *err)
{
	char path[PATH_MAX];
	if (zd_sysfs_path(fs, rel, path, sizeof(path)) != 0)
		return zd_fail(err, ENAMETOOLONG, "%s/%s: path too long",
			       fs->root, rel);
	if (zd_fault_hit(ZD_FAULT_SYSFS_WRITE))
		return zd_fail(err, EACCES,
			       "cannot write '%s' to %s: %s (fault injected by "
			       "ZDVFS_FAULT_SYSFS_WRITE)",
			       value, path, strerror(EACCES));
	/* sysfs attributes are written in one write(); no O_CREAT so a
	 * missing attribute is an error, never a new file. */
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return zd_fail(err, errno, "cannot write '%s' to %s: %s", value,
			       path, strerror(errno));
	/* A fake tree holds plain files: empty them as sysfs would. */
	if (!fs->is_host && ftruncate(fd, 0) != 0) {
		int e = errno;
		close(fd);
		return zd_fail(err, e, "cannot truncate %s: %s", path,
			       strerror(e));
	}
	/* A fake tree shows what the kernel would print back: the value and
	 * a newline. Real attributes take the bare value. */
	char line[512];
	int len_i =
	    snprintf(line, sizeof(line), fs->is_host ? "%s" : "%s\n", value);
	size_t len = len_i < 0 ? 0 : (size_t)len_i;
	if (len >= sizeof(line)) {
		close(fd);
		return zd_fail(err, EINVAL, "value for %s too long", path);
	}
	ssize_t n;
	do {
		n = write(fd, line, len);
	} while (n < 0 && errno == EINTR);
	int e = errno;
	if (close(fd) != 0 && n >= 0) {
		n = -1;
		e = errno;
	}
	if (n < 0 || (size_t)n != len)
		return zd_fail(err, n < 0 ? e : EIO,
			       "cannot write '%s' to %s: %s", value, path,
			       strerror(n < 0 ? e : EIO));
	return 0;
}
