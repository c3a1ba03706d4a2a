/* features.c - zd_features_analyze: the program's files and options (from
 * the request or a compile_commands.json), the cache, libclang's parse of
 * each file with its diagnostics, the walk, the decisions. */
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/jsonread.h"
#include "internal.h"

/* One file of the program and the options it is compiled with. */
struct unit {
	char *path; /* as given (or as the database names it) */
	bool cxx;   /* C++: by its name, or its database entry says so */
	int nargs;
	char **args;
};

struct plan {
	int nunits;
	struct unit *units;
	int nnotes;
	char *notes[8];
};

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void plan_free(struct plan *p)
{
	for (int i = 0; i < p->nunits; i++) {
		free(p->units[i].path);
		for (int k = 0; k < p->units[i].nargs; k++)
			free(p->units[i].args[k]);
		free(p->units[i].args);
	}
	free(p->units);
	for (int i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
}

static int add_arg(struct unit *u, const char *a)
{
	char **v = realloc(u->args, ((size_t)u->nargs + 1) * sizeof(char *));
	if (v == NULL)
		return -ENOMEM;
	u->args = v;
	if ((v[u->nargs] = fx_strdup(a)) == NULL)
		return -ENOMEM;
	u->nargs++;
	return 0;
}

size_t zd_features_source_ending(const char *path, bool *cxx)
{
	static const char *const ends[] = {".cc", ".cpp", ".cxx", ".c++", ".C",
					   ".CC", ".CPP", ".ii",  ".c"};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof(ends) / sizeof(ends[0]); i++) {
		size_t e = strlen(ends[i]);
		if (n > e && strcmp(path + n - e, ends[i]) == 0) {
			*cxx = strcmp(ends[i], ".c") != 0;
			return e;
		}
	}
	*cxx = false;
	return 0;
}

/* C++ by the file name's ending, as compilers decide. */
static bool cxx_name(const char *path)
{
	bool cxx = false;
	return zd_features_source_ending(path, &cxx) > 0 && cxx;
}

static int add_unit(struct plan *p, const char *path)
{
	struct unit *u =
	    realloc(p->units, ((size_t)p->nunits + 1) * sizeof(*u));
	if (u == NULL)
		return -ENOMEM;
	p->units = u;
	memset(&u[p->nunits], 0, sizeof(*u));
	if ((u[p->nunits].path = fx_strdup(path)) == NULL)
		return -ENOMEM;
	u[p->nunits].cxx = cxx_name(path);
	p->nunits++;
	return 0;
}

/* ---- compile_commands.json ----------------------------------------------- */

/* A shell-like split of a "command" string: quotes and backslashes. */
static int split_command(const char *cmd, json_t *out)
{
	char word[4096];
	size_t n = 0;
	bool in = false;
	char quote = 0;
	for (const char *c = cmd;; c++) {
		if (*c == '\0' ||
		    (!quote && (*c == ' ' || *c == '\t' || *c == '\n'))) {
			if (in) {
				word[n] = '\0';
				json_array_append_new(out, json_string(word));
			}
			n = 0;
			in = false;
			if (*c == '\0')
				return quote ? -EINVAL : 0;
			continue;
		}
		in = true;
		if (quote && *c == quote) {
			quote = 0;
			continue;
		}
		if (!quote && (*c == '"' || *c == '\'')) {
			quote = *c;
			continue;
		}
		if (*c == '\\' && quote != '\'' && c[1] != '\0')
			c++;
		if (n + 1 < sizeof(word))
			word[n++] = *c;
	}
}

/* Absolute form of path relative to dir. */
static void absolute(const char *dir, const char *path, char *buf, size_t len)
{
	if (path[0] == '/' || dir == NULL || dir[0] == '\0')
		snprintf(buf, len, "%s", path);
	else
		snprintf(buf, len, "%s/%s", dir, path);
}

/* The options of an entry that change what the code means: include
 * paths, macros, the standard; the rest (optimisation, warnings, output,
 * -fopenmp which would hide parallel bodies) is left out. */
static int entry_args(const char *dir, const json_t *argv, struct unit *u)
{
	static const char *const with_path[] = {
	    "-I", "-isystem", "-iquote", "-idirafter", "-include", "-imacros"};
	size_t n = json_array_size(argv);
	for (size_t i = 1; i < n; i++) {
		const char *a = json_string_value(json_array_get(argv, i));
		if (a == NULL)
			continue;
		int rc = 0;
		bool done = false;
		for (size_t k = 0; k < sizeof(with_path) / sizeof(with_path[0]);
		     k++) {
			size_t fl = strlen(with_path[k]);
			if (strncmp(a, with_path[k], fl) != 0)
				continue;
			const char *val = a + fl;
			if (*val == '\0' && i + 1 < n)
				val = json_string_value(
				    json_array_get(argv, ++i));
			if (val == NULL || *val == '\0' ||
			    (k > 0 && a[fl] != '\0'))
				break;
			char buf[4200];
			absolute(dir, val, buf, sizeof(buf));
			rc = add_arg(u, with_path[k]);
			if (rc == 0)
				rc = add_arg(u, buf);
			done = true;
			break;
		}
		if (!done &&
		    (strncmp(a, "-D", 2) == 0 || strncmp(a, "-U", 2) == 0)) {
			if (a[2] == '\0' && i + 1 < n) {
				char buf[4200];
				const char *v = json_string_value(
				    json_array_get(argv, ++i));
				snprintf(buf, sizeof(buf), "%.2s%s", a,
					 v ? v : "");
				rc = add_arg(u, buf);
			} else {
				rc = add_arg(u, a);
			}
		} else if (!done && strncmp(a, "-std=", 5) == 0) {
			rc = add_arg(u, a);
		}
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* C++ by a database entry: its compiler (c++, g++, clang++, ...), -x c++
 * or a C++ standard. */
static bool cxx_entry(const json_t *argv)
{
	const char *cc = json_string_value(json_array_get(argv, 0));
	if (cc != NULL) {
		const char *base = strrchr(cc, '/');
		base = base ? base + 1 : cc;
		if (strstr(base, "++") != NULL)
			return true;
	}
	size_t n = json_array_size(argv);
	for (size_t i = 1; i < n; i++) {
		const char *a = json_string_value(json_array_get(argv, i));
		if (a == NULL)
			continue;
		if (strncmp(a, "-std=c++", 8) == 0 ||
		    strncmp(a, "-std=gnu++", 10) == 0 ||
		    strcmp(a, "-xc++") == 0)
			return true;
		const char *next =
		    json_string_value(json_array_get(argv, i + 1));
		if (strcmp(a, "-x") == 0 && next != NULL &&
		    strcmp(next, "c++") == 0)
			return true;
	}
	return false;
}

static json_t *entry_argv(const json_t *e)
{
	const json_t *args = json_object_get(e, "arguments");
	if (json_is_array(args))
		return json_incref((json_t *)args);
	const char *cmd = json_string_value(json_object_get(e, "command"));
	json_t *out = json_array();
	if (cmd == NULL || out == NULL || split_command(cmd, out) != 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

static int load_db(const char *where, json_t **db, struct zd_err *err)
{
	char path[4200];
	struct stat st;
	if (stat(where, &st) != 0)
		return zd_bad_input(err, "%s: %s", where, strerror(errno));
	if (S_ISDIR(st.st_mode))
		snprintf(path, sizeof(path), "%s/compile_commands.json", where);
	else
		snprintf(path, sizeof(path), "%s", where);
	int rc = zd_jr_load(path, ZD_JR_LARGE_MAX, 0, db, err);
	if (rc != 0)
		return rc;
	if (!json_is_array(*db)) {
		json_decref(*db);
		return zd_bad_input(err,
				    "%s: not a compilation database "
				    "(an array of entries)",
				    path);
	}
	return 0;
}

static bool same_file(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	if (realpath(a, ra) == NULL || realpath(b, rb) == NULL)
		return strcmp(a, b) == 0;
	return strcmp(ra, rb) == 0;
}

/* Whether the database at path has an entry for file. */
static bool db_knows(const char *path, const char *file)
{
	json_t *db = NULL;
	struct zd_err ignored = {0};
	zd_jr_load(path, ZD_JR_LARGE_MAX, 0, &db, &ignored);
	bool found = false;
	for (size_t k = 0;
	     json_is_array(db) && k < json_array_size(db) && !found; k++) {
		const json_t *e = json_array_get(db, k);
		const char *d =
		    json_string_value(json_object_get(e, "directory"));
		const char *f = json_string_value(json_object_get(e, "file"));
		char abs[4200];
		if (f == NULL)
			continue;
		absolute(d, f, abs, sizeof(abs));
		found = same_file(abs, file);
	}
	json_decref(db);
	return found;
}

int zd_features_find_compile_commands(const char *source, char *out, size_t len)
{
	char dir[PATH_MAX], cand[PATH_MAX + 64];
	if (realpath(source, dir) == NULL)
		return 0;
	for (int level = 0; level < 12; level++) {
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			return 0;
		*slash = '\0';
		static const char *const sub[] = {"", "/build"};
		for (size_t i = 0; i < 2; i++) {
			snprintf(cand, sizeof(cand),
				 "%s%s/compile_commands.json", dir, sub[i]);
			if (access(cand, R_OK) == 0 && db_knows(cand, source)) {
				snprintf(out, len, "%s", cand);
				return 1;
			}
		}
		if (dir[0] == '\0')
			return 0;
	}
	return 0;
}

static int plan_from_db(const struct zd_feat_request *req, struct plan *p,
			struct zd_err *err)
{
	json_t *db = NULL;
	int rc = load_db(req->compile_commands, &db, err);
	if (rc != 0)
		return rc;
	size_t n = json_array_size(db);
	int nfiles = req->nfiles > 0 ? req->nfiles : (int)n;
	for (int i = 0; rc == 0 && i < nfiles; i++) {
		const json_t *entry = NULL;
		char file[4200] = "";
		for (size_t k = 0; k < n && entry == NULL; k++) {
			const json_t *e = json_array_get(db, k);
			const char *dir =
			    json_string_value(json_object_get(e, "directory"));
			const char *f =
			    json_string_value(json_object_get(e, "file"));
			if (f == NULL)
				continue;
			absolute(dir, f, file, sizeof(file));
			if (req->nfiles == 0 ? k == (size_t)i
					     : same_file(file, req->files[i]))
				entry = e;
		}
		rc = add_unit(p, req->nfiles > 0 ? req->files[i] : file);
		if (rc != 0 || entry == NULL) {
			if (rc == 0 && p->nnotes < 8 &&
			    asprintf(&p->notes[p->nnotes],
				     "%s: not in %s, "
				     "analysed with the "
				     "given options only",
				     req->files[i], req->compile_commands) > 0)
				p->nnotes++;
			continue;
		}
		json_t *argv = entry_argv(entry);
		if (argv == NULL) {
			rc = zd_bad_input(err,
					  "%s: the entry of %s has neither "
					  "arguments nor a readable command",
					  req->compile_commands, file);
			break;
		}
		p->units[p->nunits - 1].cxx |= cxx_entry(argv);
		rc = entry_args(
		    json_string_value(json_object_get(entry, "directory")),
		    argv, &p->units[p->nunits - 1]);
		json_decref(argv);
	}
	json_decref(db);
	if (rc == -ENOMEM)
		return zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0 && p->nunits == 0)
		return zd_bad_input(err, "%s: no entries",
				    req->compile_commands);
	return rc;
}

/* A directory holding the system's omp.h, or "" when there is none.
 * libclang searches its own resource directory, which holds omp.h only
 * when LLVM's OpenMP runtime is installed; where it is not, GCC's (or
 * another LLVM's) omp.h is taken, searched after every other directory
 * (-idirafter) so that nothing else of that directory is used before
 * the system's own headers. */
static void omp_header_dir(char *out, size_t len)
{
	static const char *const where[] = {
	    "/usr/lib/llvm-*/lib/clang/*/include/omp.h",
	    "/usr/lib/clang/*/include/omp.h",
	    "/usr/local/lib/clang/*/include/omp.h",
	    "/usr/lib/gcc/*/*/include/omp.h",
	    "/usr/local/include/omp.h",
	    "/usr/include/omp.h",
	    "/opt/homebrew/opt/libomp/include/omp.h",
	};
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		glob_t g;
		if (glob(where[i], 0, NULL, &g) == 0 && g.gl_pathc > 0) {
			/* the last match: the newest version in glob's order */
			const char *f = g.gl_pathv[g.gl_pathc - 1];
			const char *slash = strrchr(f, '/');
			snprintf(out, len, "%.*s", (int)(slash - f), f);
			globfree(&g);
			return;
		}
		globfree(&g);
	}
}

static int make_plan(const struct zd_feat_request *req, struct plan *p,
		     struct zd_err *err)
{
	int rc = 0;
	if (req->compile_commands != NULL)
		rc = plan_from_db(req, p, err);
	else if (req->nfiles <= 0)
		return zd_bad_input(err, "no source file to analyse");
	else
		for (int i = 0; rc == 0 && i < req->nfiles; i++)
			rc = add_unit(p, req->files[i]);
	for (int i = 0; rc == 0 && i < p->nunits; i++)
		for (int k = 0; rc == 0 && k < req->nargs; k++)
			rc = add_arg(&p->units[i], req->args[k]);
	char omp[PATH_MAX];
	omp_header_dir(omp, sizeof(omp));
	for (int i = 0; rc == 0 && omp[0] != '\0' && i < p->nunits; i++)
		if ((rc = add_arg(&p->units[i], "-idirafter")) == 0)
			rc = add_arg(&p->units[i], omp);
	if (rc == -ENOMEM)
		return zd_fail(err, ENOMEM, "out of memory");
	for (int i = 0; rc == 0 && i < p->nunits; i++) {
		struct stat st;
		const char *path = p->units[i].path;
		FILE *f = fopen(path, "rb");
		if (f == NULL)
			return zd_bad_input(err, "%s: %s", path,
					    strerror(errno));
		int isdir = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode);
		fclose(f);
		if (isdir)
			return zd_bad_input(err,
					    "%s: is a directory, not a "
					    "source file",
					    path);
	}
	return rc;
}

/* The key: analyser and libclang versions, each file's name, content and
 * options, in order. The libclang version is the one configured, so a
 * cached result needs no libclang loaded. */
static int plan_key(const struct plan *p, char key[65], struct zd_err *err)
{
	struct fx_sha256 s;
	fx_sha256_init(&s);
	fx_sha256_add(&s, FX_VERSION, sizeof(FX_VERSION));
	const char *vs = fx_clang_identity();
	fx_sha256_add(&s, vs, strlen(vs) + 1);
	for (int i = 0; i < p->nunits; i++) {
		const struct unit *u = &p->units[i];
		char h[65];
		int rc = fx_sha256_file(u->path, h);
		if (rc != 0)
			return zd_bad_input(err, "%s: %s", u->path,
					    strerror(-rc));
		fx_sha256_add(&s, u->path, strlen(u->path) + 1);
		fx_sha256_add(&s, u->cxx ? "c++" : "c", u->cxx ? 4 : 2);
		fx_sha256_add(&s, h, sizeof(h));
		for (int k = 0; k < u->nargs; k++)
			fx_sha256_add(&s, u->args[k], strlen(u->args[k]) + 1);
		fx_sha256_add(&s, "\n", 1);
	}
	fx_sha256_hex(&s, key);
	return 0;
}

/* ---- parsing ------------------------------------------------------------ */

static void diagnostics(struct fx_prog *prog, CXTranslationUnit tu)
{
	unsigned n = clang_getNumDiagnostics(tu);
	for (unsigned i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);
		enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
		if (sev >= CXDiagnostic_Error) {
			CXFile file = NULL;
			unsigned line = 0, col = 0;
			clang_getSpellingLocation(
			    clang_getDiagnosticLocation(d), &file, &line, &col,
			    NULL);
			CXString fn = clang_getFileName(file);
			CXString msg = clang_getDiagnosticSpelling(d);
			const char *f = clang_getCString(fn);
			fx_diag(
			    prog, "%s:%u:%u: %s: %s", f ? f : "?", line, col,
			    sev == CXDiagnostic_Fatal ? "fatal error" : "error",
			    clang_getCString(msg));
			prog->nerrors++;
			clang_disposeString(fn);
			clang_disposeString(msg);
		}
		clang_disposeDiagnostic(d);
	}
}

struct incl {
	struct fx_prog *prog;
	CXTranslationUnit tu;
};

/* Project headers (not system ones) a result depends on. */
static void inclusion(CXFile included, CXSourceLocation *stack, unsigned len,
		      CXClientData data)
{
	(void)stack;
	struct incl *in = data;
	if (len == 0)
		return; /* the main file */
	CXSourceLocation at = clang_getLocationForOffset(in->tu, included, 0);
	if (clang_Location_isInSystemHeader(at))
		return;
	CXString name = clang_getFileName(included);
	const char *n = clang_getCString(name);
	struct stat st;
	if (n != NULL && n[0] != '\0' && stat(n, &st) == 0)
		fx_add_dep(in->prog, n);
	clang_disposeString(name);
}

/* Options for libclang: C or C++ (the C++ standard library is found as
 * the compiler finds it), and what -fopenmp changes about the source:
 * _OPENMP defined (OpenMP 4.5) so #ifdef _OPENMP code is seen, and the
 * system's omp.h (make_plan). -fopenmp itself is not given: in libclang
 * 14 the cursor of an OpenMP directive then exposes only the captured
 * variables of its CapturedStmt, never the statement, so every parallel
 * loop body would be invisible (docs/features.md). Warnings off. */
static int parse_unit(struct fx_prog *prog, CXIndex idx, const struct unit *u)
{
	const char *base[] = {"-x", u->cxx ? "c++" : "c", "-D_OPENMP=201511",
			      "-w", "-ferror-limit=50"};
	int nb = (int)(sizeof(base) / sizeof(base[0]));
	const char **argv = calloc((size_t)(nb + u->nargs) + 1, sizeof(char *));
	if (argv == NULL)
		return -ENOMEM;
	for (int i = 0; i < nb; i++)
		argv[i] = base[i];
	for (int i = 0; i < u->nargs; i++)
		argv[nb + i] = u->args[i];
	CXTranslationUnit tu = NULL;
	unsigned flags = CXTranslationUnit_KeepGoing |
	    CXTranslationUnit_DetailedPreprocessingRecord;
	enum CXErrorCode ec = clang_parseTranslationUnit2(
	    idx, u->path, argv, nb + u->nargs, NULL, 0, flags, &tu);
	free(argv);
	if (ec != CXError_Success || tu == NULL) {
		fx_diag(prog, "%s: libclang could not parse it (%s)", u->path,
			ec == CXError_Crashed ? "it crashed" : "error");
		prog->nerrors++;
		return 0;
	}
	diagnostics(prog, tu);
	struct incl in = {prog, tu};
	clang_getInclusions(tu, inclusion, &in);
	int rc = fx_walk_tu(prog, tu, u->path, true);
	clang_disposeTranslationUnit(tu);
	return rc;
}

static int copy_result(const struct plan *plan, struct fx_prog *prog,
		       struct zd_features *f)
{
	f->files = calloc((size_t)plan->nunits + 1, sizeof(char *));
	f->diags = calloc((size_t)prog->ndiags + (size_t)plan->nnotes + 1,
			  sizeof(char *));
	if (f->files == NULL || f->diags == NULL)
		return -ENOMEM;
	for (int i = 0; i < plan->nunits; i++)
		if ((f->files[f->nfiles++] = fx_utf8(plan->units[i].path)) ==
		    NULL)
			return -ENOMEM;
	for (int i = 0; i < plan->nnotes; i++)
		if ((f->diags[f->ndiags++] = fx_utf8(plan->notes[i])) == NULL)
			return -ENOMEM;
	for (int i = 0; i < prog->ndiags; i++) { /* ownership moves */
		f->diags[f->ndiags++] = prog->diags[i];
		prog->diags[i] = NULL;
	}
	prog->ndiags = 0;
	f->nerrors = prog->nerrors;
	return 0;
}

static int analyse(const struct plan *plan, struct zd_features **out,
		   char ***deps, int *ndeps, struct zd_err *err)
{
	struct fx_prog prog;
	memset(&prog, 0, sizeof(prog));
	int rc = fx_clang_load(err);
	if (rc != 0)
		return rc;
	for (int i = 0; rc == 0 && i < plan->nunits; i++)
		if (fx_path_index(&prog, plan->units[i].path) < 0)
			rc = -ENOMEM;
	prog.nmain = prog.npaths;
	prog.first_region.file = prog.first_task.file = -1;
	prog.first_depend.file = prog.first_critical.file = -1;
	prog.first_atomic.file = prog.first_lock.file = -1;
	CXIndex idx = clang_createIndex(0, 0);
	if (idx == NULL)
		rc = -ENOMEM;
	for (int i = 0; rc == 0 && i < plan->nunits; i++)
		rc = parse_unit(&prog, idx, &plan->units[i]);
	if (idx != NULL)
		clang_disposeIndex(idx);
	struct zd_features *f = NULL;
	int defined = 0;
	for (int i = 0; i < prog.nfuncs; i++)
		defined += prog.funcs[i].defined;
	if (rc == 0 && defined == 0) {
		rc = zd_bad_input(err,
				  "%s: no function definition to analyse%s%s",
				  plan->units[0].path,
				  prog.ndiags > 0 ? "; libclang says: " : "",
				  prog.ndiags > 0 ? prog.diags[0] : "");
		goto out;
	}
	if (rc == 0 && (f = fx_features_new()) == NULL)
		rc = -ENOMEM;
	if (rc == 0)
		rc = fx_decide(&prog, f);
	if (rc == 0)
		rc = copy_result(plan, &prog, f);
	if (rc != 0) {
		zd_features_free(f);
		f = NULL;
		rc = zd_fail(err, -rc, "feature analysis failed: %s",
			     strerror(-rc));
		goto out;
	}
	*out = f;
	*deps = prog.deps; /* ownership moves */
	*ndeps = prog.ndeps;
	prog.deps = NULL;
	prog.ndeps = 0;
out:
	fx_prog_free(&prog);
	return rc;
}

int zd_features_analyze(const struct zd_feat_request *req,
			struct zd_features **out, struct zd_err *err)
{
	double t0 = now_ms();
	struct plan plan;
	memset(&plan, 0, sizeof(plan));
	char key[65], dir[4096];
	int rc = make_plan(req, &plan, err);
	if (rc == 0)
		rc = plan_key(&plan, key, err);
	struct zd_err cache_err = {0};
	bool cache = rc == 0 && !req->no_cache &&
	    zd_features_cache_dir(req, dir, sizeof(dir), &cache_err) == 0;
	if (rc == 0 && cache && fx_cache_lookup(dir, key, out) == 0) {
		(*out)->cached = true;
		(*out)->ms = now_ms() - t0;
		plan_free(&plan);
		return 0;
	}
	char **deps = NULL;
	int ndeps = 0;
	if (rc == 0)
		rc = analyse(&plan, out, &deps, &ndeps, err);
	if (rc == 0) {
		(*out)->ms = now_ms() - t0;
		if (cache)
			fx_cache_store(dir, key, *out, deps, ndeps);
	}
	for (int i = 0; i < ndeps; i++)
		free(deps[i]);
	free(deps);
	plan_free(&plan);
	return rc;
}
