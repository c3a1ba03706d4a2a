/* sources.h - a program's sources as the commands that read them take them
 * (decide, run, train, features): --source, -I/-D/-U, --compile-commands,
 * --strict, which options each file is analysed with, and parse errors
 * said aloud. */
#ifndef ZDVFS_CLI_SOURCES_H
#define ZDVFS_CLI_SOURCES_H

#include <limits.h>
#include <stdbool.h>

#include <jansson.h>

#include "options.h"
#include "zdvfs/err.h"
#include "zdvfs/features.h"
#include "zdvfs/workload.h"

/* The options tables' entries (options.h) for -I, -D and -U, and the
 * usual --compile-commands and --strict; value: struct cli_source_opts. */
cli_option_fn cli_source_define;
#define CLI_SOURCE_DEFINE_OPTIONS(o)                                           \
	OPT_CALLBACK('I', NULL, (o), "DIR", cli_source_define,                 \
		     "an include path, as for a compiler"),                    \
	    OPT_CALLBACK('D', NULL, (o), "NAME[=V]", cli_source_define,        \
			 "define a macro, as for a compiler"),                 \
	    OPT_CALLBACK('U', NULL, (o), "NAME", cli_source_define,            \
			 "undefine a macro, as for a compiler")
#define CLI_SOURCE_OPTIONS(o)                                                  \
	CLI_SOURCE_DEFINE_OPTIONS(o),                                          \
	    OPT_STRING(                                                        \
		0, "compile-commands", &(o)->compile_commands, "FILE",         \
		"each file's options from a compilation database "             \
		"(default: a compile_commands.json next to the sources "       \
		"or above them, or in a build/ there, that lists them; "       \
		"a workload's own sources get the options training "           \
		"used)"),                                                      \
	    OPT_BOOL(0, "strict", &(o)->strict,                                \
		     "a source that does not parse cleanly is an error (exit " \
		     "status 2) instead of a warning")

/* The options tables' entry for --source FILE... (the files after the
 * first are the command's operands: cli_source_operands); value: struct
 * cli_source_opts; help: what the sources are for in this command. */
cli_option_fn cli_source_file;
#define CLI_SOURCE_FILES_OPTION(o, h)                                          \
	OPT_CALLBACK(0, "source", (o), "FILE...", cli_source_file, (h))

struct cli_source_opts {
	const char **files; /* --source's (argv's strings; array owned) */
	int nfiles;
	char **args; /* "-IDIR", "-DNAME=V", "-UNAME", owned */
	int nargs;
	const char *compile_commands; /* --compile-commands, or NULL */
	bool strict;
	const char *workload_dir; /* the manifest's directory, NULL: default */
};

void cli_source_opts_free(struct cli_source_opts *o);

/* The `argc` arguments left after parsing: more sources after a --source
 * (`--source a.c b.c`), else a usage error of command `cmd`. Returns 0 or
 * the exit status of an error it has printed. */
int cli_source_operands(const char *cmd, struct cli_source_opts *o, int argc,
			char **argv);

/* The request for zd_features_analyze: the files with the options of,
 * in this order, --compile-commands; the workload manifest when the files
 * are a workload's (the options its profiles were trained with); a
 * compile_commands.json found for the first file
 * (zd_features_find_compile_commands); or none; then -I/-D/-U given. */
struct cli_source_plan {
	struct zd_feat_request req;
	const char **args; /* the request's options (owned array) */
	struct zd_workload_sources ws;
	char db[PATH_MAX];
	char how[PATH_MAX + 64]; /* where the options came from, for people */
};
int cli_source_plan(const struct cli_source_opts *o, const char *const *files,
		    int nfiles, struct cli_source_plan *p, struct zd_err *err);
void cli_source_plan_free(struct cli_source_plan *p);

/* A parse with errors, said on stderr as "zdvfs CMD: warning: ..." with
 * how many and the first; with --strict it is a usage error instead
 * (returned, for exit status 2). */
int cli_source_check(const char *cmd, const struct cli_source_opts *o,
		     const struct zd_features *f, const char *how,
		     struct zd_err *err);

/* {"files", "options_from", "errors", "first_error", "confidence"} */
json_t *cli_source_json(const struct zd_features *f, const char *how);

#endif
