/* sources.c - a program's sources as decide, run, train and features take
 * them: the files, the compiler options each file is analysed with, and parse errors said
 * aloud (or, with --strict, refused). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sources.h"

/* -I, -D, -U: kept as the compiler option "-IDIR" ("-DNAME=V", "-UNAME"). */
int cli_source_define(const struct cli_option *opt, const char *arg,
		      const char *cmd)
{
	struct cli_source_opts *o = opt->value;
	char **v = realloc(o->args, ((size_t)o->nargs + 1) * sizeof(*v));
	if (v != NULL)
		o->args = v; /* freed by cli_source_opts_free either way */
	if (v == NULL ||
	    asprintf(&v[o->nargs], "-%c%s", opt->short_name, arg) < 0) {
		fprintf(stderr, "zdvfs %s: out of memory\n", cmd);
		return 1;
	}
	o->nargs++;
	return 0;
}

static int add_file(struct cli_source_opts *o, const char *file,
		    const char *cmd)
{
	const char **v =
	    realloc(o->files, ((size_t)o->nfiles + 1) * sizeof(*v));
	if (v == NULL) {
		fprintf(stderr, "zdvfs %s: out of memory\n", cmd);
		return 1;
	}
	o->files = v;
	o->files[o->nfiles++] = file;
	return 0;
}

int cli_source_file(const struct cli_option *opt, const char *arg,
		    const char *cmd)
{
	return add_file(opt->value, arg, cmd);
}

int cli_source_operands(const char *cmd, struct cli_source_opts *o, int argc,
			char **argv)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < argc; i++)
		rc = o->nfiles
		    ? add_file(o, argv[i], cmd)
		    : cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
	return rc;
}

void cli_source_opts_free(struct cli_source_opts *o)
{
	free(o->files);
	o->files = NULL;
	o->nfiles = 0;
	for (int i = 0; i < o->nargs; i++)
		free(o->args[i]);
	free(o->args);
	o->args = NULL;
	o->nargs = 0;
}

/* The workload whose sources these are, all of them; NULL if not. */
static const struct zd_workload_info *workload_of(const struct zd_manifest *m,
						  const char *dir,
						  const char *const *files,
						  int nfiles)
{
	const struct zd_workload_info *w = NULL;
	for (int i = 0; i < nfiles; i++) {
		const struct zd_workload_info *x =
		    zd_manifest_find_source(m, dir, files[i]);
		if (x == NULL || (w != NULL && x != w))
			return NULL;
		w = x;
	}
	return w;
}

int cli_source_plan(const struct cli_source_opts *o, const char *const *files,
		    int nfiles, struct cli_source_plan *p, struct zd_err *err)
{
	memset(p, 0, sizeof(*p));
	p->req.files = files;
	p->req.nfiles = nfiles;
	int nbase = 0;
	const struct zd_workload_info *w = NULL;
	struct zd_manifest *m = NULL;
	if (o->compile_commands != NULL) {
		p->req.compile_commands = o->compile_commands;
		snprintf(p->how, sizeof(p->how), "%s", o->compile_commands);
	} else if (nfiles > 0) {
		struct zd_err quiet = {0}; /* no manifest: not a workload */
		if (zd_manifest_load(o->workload_dir, &m, &quiet) == 0)
			w = workload_of(m, o->workload_dir, files, nfiles);
		if (w != NULL) {
			zd_workload_sources(o->workload_dir, w, &p->ws);
			nbase = p->ws.nargs;
			snprintf(p->how, sizeof(p->how),
				 "workload %s's options, as in training",
				 w->name);
		} else if (zd_features_find_compile_commands(files[0], p->db,
							     sizeof(p->db))) {
			p->req.compile_commands = p->db;
			snprintf(p->how, sizeof(p->how), "%s", p->db);
		} else {
			snprintf(p->how, sizeof(p->how), "%s",
				 o->nargs
				     ? "the given options"
				     : "no options (no compile_commands.json "
				       "found)");
		}
		zd_manifest_free(m);
	}
	p->args = calloc((size_t)(nbase + o->nargs) + 1, sizeof(char *));
	if (p->args == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	for (int i = 0; i < nbase; i++)
		p->args[i] = p->ws.args[i];
	for (int i = 0; i < o->nargs; i++)
		p->args[nbase + i] = o->args[i];
	p->req.args = p->args;
	p->req.nargs = nbase + o->nargs;
	return 0;
}

void cli_source_plan_free(struct cli_source_plan *p)
{
	free(p->args);
	p->args = NULL;
}

int cli_source_check(const char *cmd, const struct cli_source_opts *o,
		     const struct zd_features *f, const char *how,
		     struct zd_err *err)
{
	if (f == NULL || f->nerrors == 0)
		return 0;
	const char *first = zd_features_first_error(f);
	char what[1200];
	snprintf(what, sizeof(what),
		 "%s does not parse cleanly: %d error%s, the first %s "
		 "(options: %s)",
		 f->nfiles > 0 ? f->files[0] : "the program", f->nerrors,
		 f->nerrors == 1 ? "" : "s", first ? first : "(not shown)",
		 how && how[0] ? how : "none");
	if (o->strict)
		return zd_bad_input(err,
				    "%s; --strict refuses a partial parse "
				    "(give -I/-D/-U or --compile-commands)",
				    what);
	fprintf(stderr,
		"zdvfs %s: warning: %s; the analysis covers what parsed, "
		"confidence %.2f (give -I/-D/-U or --compile-commands; "
		"--strict makes this an error)\n",
		cmd, what, zd_features_confidence(f));
	return 0;
}

json_t *cli_source_json(const struct zd_features *f, const char *how)
{
	if (f == NULL)
		return json_null();
	json_t *files = json_array();
	for (int i = 0; files != NULL && i < f->nfiles; i++)
		json_array_append_new(files, json_string(f->files[i]));
	const char *first = zd_features_first_error(f);
	return json_pack("{s:o, s:s?, s:i, s:s?, s:f}", "files",
			 files ? files : json_array(), "options_from", how,
			 "errors", f->nerrors, "first_error", first,
			 "confidence", zd_features_confidence(f));
}
