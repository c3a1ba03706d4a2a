/* err.c - filling the error record. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "zdvfs/err.h"

int zd_err_set(struct zd_err *err, int errnum, int exit_status, const char *fmt,
	       ...)
{
	if (errnum < 0)
		errnum = -errnum;
	if (errnum == 0)
		errnum = EIO;
	if (err != NULL && err->code == 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->code = -errnum;
		err->exit = exit_status;
	}
	return -errnum;
}

void zd_err_clear(struct zd_err *err)
{
	memset(err, 0, sizeof(*err));
}
