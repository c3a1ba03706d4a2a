/* dynlib.c - opening a heavy shared library at its first use (dlopen) and
 * resolving the symbols zdvfs calls, with an error that says what to
 * install when it is missing. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/dynlib.h"

/* One lock for every library: loads are rare and short. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

const char *zd_dynlib_name(const struct zd_dynlib *l)
{
	const char *env = l->env ? getenv(l->env) : NULL;
	return env && env[0] ? env : l->soname;
}

static void *open_lib(struct zd_dynlib *l, char *why, size_t len)
{
	const char *env = l->env ? getenv(l->env) : NULL;
	/* RTLD_LOCAL: the library's symbols must not preempt our forwarders
	 * of the same names, nor ours theirs */
	int flags = RTLD_NOW | RTLD_LOCAL;
	if (env && env[0]) {
		void *h = dlopen(env, flags);
		if (!h)
			snprintf(why, len, "%s (from %s)", dlerror(), l->env);
		return h;
	}
	void *h = dlopen(l->soname, flags);
	if (h)
		return h;
	snprintf(why, len, "%s", dlerror());
	if (l->path && l->path[0] && strcmp(l->path, l->soname) != 0)
		h = dlopen(l->path, flags);
	return h;
}

static void load_locked(struct zd_dynlib *l)
{
	char why[512] = "";
	void *h = open_lib(l, why, sizeof(why));
	if (!h) {
		l->rc = -ENOENT;
		snprintf(l->msg, sizeof(l->msg),
			 "%s is needed %s but cannot be loaded: %s; install "
			 "the Debian package %s (or set %s to the library "
			 "file)",
			 l->what, l->needed_for, why, l->package, l->env);
		return;
	}
	for (size_t i = 0; i < l->nsyms; i++) {
		dlerror();
		/* POSIX: a function pointer travels through void * */
		l->syms[i] = dlsym(h, l->names[i]);
		if (l->syms[i] == NULL) {
			l->rc = -ENOENT;
			snprintf(l->msg, sizeof(l->msg),
				 "%s (%s) lacks %s, needed %s: an older or "
				 "foreign version; install the Debian package "
				 "%s",
				 l->what, zd_dynlib_name(l), l->names[i],
				 l->needed_for, l->package);
			dlclose(h);
			return;
		}
	}
	/* the handle stays open for the life of the process */
	l->rc = 0;
	atomic_store_explicit(&l->ready, true, memory_order_release);
}

int zd_dynlib_load(struct zd_dynlib *l, struct zd_err *err)
{
	if (atomic_load_explicit(&l->ready, memory_order_acquire))
		return 0;
	pthread_mutex_lock(&load_lock);
	if (!l->tried) {
		l->tried = true;
		load_locked(l);
	}
	int rc = l->rc;
	pthread_mutex_unlock(&load_lock);
	if (rc != 0)
		return zd_fail(err, -rc, "%s", l->msg);
	return 0;
}

void zd_dynlib_need(struct zd_dynlib *l)
{
	struct zd_err err = {0};
	if (zd_dynlib_load(l, &err) == 0)
		return;
	fprintf(stderr, "zdvfs: %s\n", err.msg);
	abort();
}
