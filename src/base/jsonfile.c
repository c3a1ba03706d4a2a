/* jsonfile.c - see jsonfile.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/jsonfile.h"

int zd_json_write_file(const json_t *j, const char *path, size_t flags,
		       const char *what, struct zd_err *err)
{
	char tmp[PATH_MAX + 32];
	/* the pid keeps two writers (bench workers) off each other's file */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
			     (long)getpid()) >= sizeof(tmp))
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", path);
	errno = 0;
	int rc = 0;
	if (json_dump_file(j, tmp, flags) != 0)
		rc = zd_fail(err, errno ? errno : EIO, "%s: cannot write %s",
			     tmp, what);
	else if (rename(tmp, path) != 0)
		rc = zd_fail(err, errno, "%s: cannot write %s: %s", path, what,
			     strerror(errno));
	if (rc != 0)
		unlink(tmp);
	return rc;
}
