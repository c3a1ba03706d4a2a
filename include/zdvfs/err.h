/* err.h - one error record that travels with every fallible call, so the
 * message that reaches the user names what failed and where. */
#ifndef ZDVFS_ERR_H
#define ZDVFS_ERR_H

#include <stdarg.h>

/* Exit statuses the command line documents. */
enum zd_exit {
	ZD_EXIT_OK = 0,
	ZD_EXIT_RUNTIME = 1, /* the machine or a file would not do it */
	ZD_EXIT_USAGE = 2,   /* bad usage or bad input */
};

struct zd_err {
	int code; /* negative errno of the first failure, 0 if none */
	int exit; /* ZD_EXIT_RUNTIME or ZD_EXIT_USAGE */
	char msg[1024];
};

/* Record an error (first one wins, later ones are causes already reported)
 * and return -errnum so callers can `return zd_err_set(...)`. */
int zd_err_set(struct zd_err *err, int errnum, int exit_status, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
/* Runtime error: the system said no. */
#define zd_fail(err, errnum, ...)                                              \
	zd_err_set((err), (errnum), ZD_EXIT_RUNTIME, __VA_ARGS__)
/* Input error: the user's file or argument is wrong. */
#define zd_bad_input(err, ...)                                                 \
	zd_err_set((err), EINVAL, ZD_EXIT_USAGE, __VA_ARGS__)

void zd_err_clear(struct zd_err *err);

#endif
