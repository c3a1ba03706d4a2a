/* curl_dl.c - libcurl opened when `--llm` first asks a server (dlopen),
 * not at start-up: libcurl brings OpenSSL and a dozen libraries that no
 * other command needs. The libcurl functions llm.c calls are defined here
 * under their own names and forward to the library's. */
#include <stdarg.h>

/* the type-checking macros would rename our definitions */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "internal.h"
#include "zdvfs/dynlib.h"

enum {
	F_GLOBAL_INIT,
	F_EASY_INIT,
	F_EASY_CLEANUP,
	F_EASY_RESET,
	F_EASY_SETOPT,
	F_EASY_PERFORM,
	F_EASY_GETINFO,
	F_EASY_STRERROR,
	F_SLIST_APPEND,
	F_SLIST_FREE_ALL,
	NSYMS
};

static const char *const names[NSYMS] = {
    [F_GLOBAL_INIT] = "curl_global_init",
    [F_EASY_INIT] = "curl_easy_init",
    [F_EASY_CLEANUP] = "curl_easy_cleanup",
    [F_EASY_RESET] = "curl_easy_reset",
    [F_EASY_SETOPT] = "curl_easy_setopt",
    [F_EASY_PERFORM] = "curl_easy_perform",
    [F_EASY_GETINFO] = "curl_easy_getinfo",
    [F_EASY_STRERROR] = "curl_easy_strerror",
    [F_SLIST_APPEND] = "curl_slist_append",
    [F_SLIST_FREE_ALL] = "curl_slist_free_all",
};
static void *syms[NSYMS];

static struct zd_dynlib lib = {
    .what = "libcurl",
    .needed_for = "to ask a server for a second opinion (--llm)",
    .soname = ZDVFS_LIBCURL_SONAME,
    .path = ZDVFS_LIBCURL_PATH,
    .package = ZDVFS_LIBCURL_PACKAGE,
    .env = "ZDVFS_LIBCURL",
    .names = names,
    .syms = syms,
    .nsyms = NSYMS,
};

int fx_curl_load(struct zd_err *err)
{
	return zd_dynlib_load(&lib, err);
}

/* the function at index i, after loading */
static void *fn(int i)
{
	zd_dynlib_ensure(&lib);
	return syms[i];
}

/* Parenthesised names: never a macro's expansion. */
CURLcode(curl_global_init)(long flags)
{
	return ((CURLcode(*)(long))fn(F_GLOBAL_INIT))(flags);
}

CURL *(curl_easy_init)(void)
{
	return ((CURL * (*)(void)) fn(F_EASY_INIT))();
}

void(curl_easy_cleanup)(CURL *c)
{
	((void (*)(CURL *))fn(F_EASY_CLEANUP))(c);
}

void(curl_easy_reset)(CURL *c)
{
	((void (*)(CURL *))fn(F_EASY_RESET))(c);
}

CURLcode(curl_easy_perform)(CURL *c)
{
	return ((CURLcode(*)(CURL *))fn(F_EASY_PERFORM))(c);
}

const char *(curl_easy_strerror)(CURLcode code)
{
	return ((const char *(*)(CURLcode))fn(F_EASY_STRERROR))(code);
}

struct curl_slist *(curl_slist_append)(struct curl_slist *l, const char *s)
{
	return ((struct curl_slist * (*)(struct curl_slist *, const char *))
		    fn(F_SLIST_APPEND))(l, s);
}

void(curl_slist_free_all)(struct curl_slist *l)
{
	((void (*)(struct curl_slist *))fn(F_SLIST_FREE_ALL))(l);
}

typedef CURLcode (*setopt_fn)(CURL *, CURLoption, ...);

/* The one argument after the option has the type the option's range
 * says (curl.h's CURLOPTTYPE_*): passed on as that type, as libcurl
 * itself reads it. */
CURLcode(curl_easy_setopt)(CURL *c, CURLoption o, ...)
{
	setopt_fn f = (setopt_fn)fn(F_EASY_SETOPT);
	va_list ap;
	va_start(ap, o);
	CURLcode rc;
	if (o < CURLOPTTYPE_OBJECTPOINT)
		rc = f(c, o, va_arg(ap, long));
	else if (o < CURLOPTTYPE_FUNCTIONPOINT)
		rc = f(c, o, va_arg(ap, void *));
	else if (o < CURLOPTTYPE_OFF_T)
		rc = f(c, o, va_arg(ap, void (*)(void)));
	else if (o < CURLOPTTYPE_BLOB)
		rc = f(c, o, va_arg(ap, curl_off_t));
	else
		rc = f(c, o, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* Every CURLINFO takes a pointer to where the answer goes. */
CURLcode(curl_easy_getinfo)(CURL *c, CURLINFO info, ...)
{
	typedef CURLcode (*getinfo_fn)(CURL *, CURLINFO, ...);
	getinfo_fn f = (getinfo_fn)fn(F_EASY_GETINFO);
	va_list ap;
	va_start(ap, info);
	void *p = va_arg(ap, void *);
	va_end(ap);
	return f(c, info, p);
}
