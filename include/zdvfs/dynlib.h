/* dynlib.h - a heavy shared library (libclang, XGBoost, libcurl) opened
 * with dlopen at its first use, so a command that never needs it never
 * maps it: `zdvfs exec` stays a few milliseconds and a few MiB.
 *
 * Each user (src/features/clang_dl.c, src/model/xgb_dl.c,
 * src/features/curl_dl.c) describes its library and the symbols it uses
 * in a struct zd_dynlib, calls zd_dynlib_load() where an error can still be
 * returned, and defines the library's own functions as forwarders through
 * the resolved pointers, so the code that calls them is unchanged. */
#ifndef ZDVFS_DYNLIB_H
#define ZDVFS_DYNLIB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "zdvfs/err.h"

struct zd_dynlib {
	const char *what;       /* "libclang" */
	const char *needed_for; /* "to analyse source files" */
	const char *soname;     /* what dlopen asks for: "libclang-14.so.13" */
	const char *path;       /* the file found at configure time, tried
				   when the soname is not found; may be "" */
	const char *package;    /* the Debian package that ships it */
	const char *env;        /* a variable naming a file to load instead */
	const char *const *names; /* the symbols, in the order of syms */
	void **syms;
	size_t nsyms;
	/* state, set once under a lock */
	atomic_bool ready;
	bool tried;
	int rc;
	char msg[900];
};

/* Opens the library and resolves every symbol, once (thread-safe); later
 * calls return the first outcome. On failure a runtime error naming the
 * library, why it would not load and the package to install. */
int zd_dynlib_load(struct zd_dynlib *l, struct zd_err *err);

/* For the forwarders: loads if needed; a library that cannot load here is
 * a caller that skipped zd_dynlib_load, so the message goes to stderr and
 * the process aborts rather than jump through a null pointer. */
void zd_dynlib_need(struct zd_dynlib *l);

static inline void zd_dynlib_ensure(struct zd_dynlib *l)
{
	if (!atomic_load_explicit(&l->ready, memory_order_acquire))
		zd_dynlib_need(l);
}

/* The file the library will be (or was) loaded from: the environment
 * override when set, else the soname. For cache keys and messages. */
const char *zd_dynlib_name(const struct zd_dynlib *l);

#endif
