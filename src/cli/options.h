/* options.h - one table per command that both parses its argv and prints
 * its --help (and through help2man its man page), in the manner of git's
 * parse-options: each option is described once.
 *
 * A command lists its options as an array of struct cli_option made with
 * the OPT_* macros below and ended by OPT_END(); OPT_TEXT paragraphs and
 * OPT_GROUP headings place the help's prose among them. Example:
 *
 *	struct cli_option options[] = {
 *	    OPT_TEXT("Runs CMD confined to LIST ..."),
 *	    OPT_STRING(0, "cpus", &o.cpus, "LIST", "CPUs like 0,2-4"),
 *	    OPT_INT(0, "interval", &o.interval_ms, "MS", 1, 60000, "period"),
 *	    OPT_END(),
 *	};
 *	int n = cli_parse_options("exec", usage, options, CLI_PARSE_STOP_AT_ARG,
 *				  argc, argv, &status);
 *	if (n < 0)
 *		return status;  // --help printed (0) or a usage error (2)
 *
 * Every number goes through cli_parse_long, cli_parse_double or
 * cli_parse_seed (cli.h), so each rule and its error wording is in one
 * place. */
#ifndef ZDVFS_CLI_OPTIONS_H
#define ZDVFS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum cli_opt_type {
	CLI_OPT_END,      /* ends a table */
	CLI_OPT_TEXT,     /* a paragraph of the help's prose */
	CLI_OPT_GROUP,    /* a heading before the options that follow */
	CLI_OPT_ITEM,     /* a row of the list that is no option: argh, help */
	CLI_OPT_BOOL,     /* no argument: *(bool *)value = true */
	CLI_OPT_STRING,   /* *(const char **)value = the argument */
	CLI_OPT_INT,      /* *(int *)value, an integer in lo..hi */
	CLI_OPT_DOUBLE,   /* *(double *)value, a real in dlo..dhi */
	CLI_OPT_SEED,     /* *(uint64_t *)value, 0..2^32-1 (cli_parse_seed) */
	CLI_OPT_CHOICE,   /* *(int *)value = the index of one of `choices` */
	CLI_OPT_CALLBACK, /* callback(opt, argument or NULL, cmd) */
};

struct cli_option;
/* Takes the option's argument (NULL for an option without one); returns 0,
 * or the exit status of a usage error it has printed (cli_usage_error). */
typedef int cli_option_fn(const struct cli_option *opt, const char *arg,
			  const char *cmd);

struct cli_option {
	enum cli_opt_type type;
	char short_name;       /* 0: none */
	const char *long_name; /* NULL: none */
	void *value;
	const char *argh; /* the argument's name in the help ("N", "FILE") */
	const char *help; /* wrapped to the terminal's 79 columns */
	long lo, hi;
	double dlo, dhi;
	const char *const *choices; /* NULL-terminated */
	cli_option_fn *callback;
	bool no_arg; /* a callback option that takes no argument */
};

/* clang-format off */
#define OPT_END() {.type = CLI_OPT_END}
#define OPT_TEXT(h) {.type = CLI_OPT_TEXT, .help = (h)}
#define OPT_GROUP(h) {.type = CLI_OPT_GROUP, .help = (h)}
#define OPT_ITEM(name, h) {.type = CLI_OPT_ITEM, .argh = (name), .help = (h)}
#define OPT_BOOL(s, l, v, h) \
	{.type = CLI_OPT_BOOL, .short_name = (s), .long_name = (l), \
	 .value = (v), .help = (h)}
#define OPT_STRING(s, l, v, a, h) \
	{.type = CLI_OPT_STRING, .short_name = (s), .long_name = (l), \
	 .value = (v), .argh = (a), .help = (h)}
/* Rows several zdvfs commands share, so each says the same everywhere. */
#define OPT_BOARD(v)                                                   \
	OPT_STRING(0, "board", (v), "NAME",                            \
		   "jetson-tx2, jetson-orin-nx, rubik-pi, core-i7 "    \
		   "(sim:NAME is the same board)")
#define OPT_DB(v)                                                      \
	OPT_STRING(0, "db", (v), "FILE",                               \
		   "the sample store (default: $ZDVFS_DATA_DIR/zdvfs.db, " \
		   "$XDG_DATA_HOME/zdvfs/zdvfs.db, ~/.local/share/zdvfs/)")
#define OPT_MODEL(v)                                                   \
	OPT_STRING(0, "model", (v), "FILE",                            \
		   "environment model (default: `zdvfs model train`'s, "  \
		   "else the shipped one)")
/* The thermal guard a user may set, one range for every command. */
#define OPT_GUARD(v, h) OPT_DOUBLE(0, "guard", (v), "C", 20, 150, h)
#define OPT_PLATFORM_DIR(v)                                            \
	OPT_STRING(0, "platform-dir", (v), "DIR",                      \
		   "where the board descriptions are (default: "         \
		   "$ZDVFS_PLATFORM_DIR, the installed ones, or the "     \
		   "source tree's when run from a build)")
#define OPT_WORKLOAD_DIR(v)                                            \
	OPT_STRING(0, "workload-dir", (v), "DIR",                      \
		   "where the workloads are (default: $ZDVFS_WORKLOAD_DIR, " \
		   "the installed ones, or the source tree's)")
#define OPT_INT(s, l, v, a, min, max, h) \
	{.type = CLI_OPT_INT, .short_name = (s), .long_name = (l), \
	 .value = (v), .argh = (a), .lo = (min), .hi = (max), .help = (h)}
#define OPT_DOUBLE(s, l, v, a, min, max, h) \
	{.type = CLI_OPT_DOUBLE, .short_name = (s), .long_name = (l), \
	 .value = (v), .argh = (a), .dlo = (min), .dhi = (max), .help = (h)}
/* --seed of every command (cli_parse_seed names it so). */
#define OPT_SEED(v, h) \
	{.type = CLI_OPT_SEED, .long_name = "seed", .value = (v), .argh = "S", \
	 .help = (h)}
#define OPT_CHOICE(s, l, v, a, list, h) \
	{.type = CLI_OPT_CHOICE, .short_name = (s), .long_name = (l), \
	 .value = (v), .argh = (a), .choices = (list), .help = (h)}
#define OPT_CALLBACK(s, l, v, a, fn, h) \
	{.type = CLI_OPT_CALLBACK, .short_name = (s), .long_name = (l), \
	 .value = (v), .argh = (a), .callback = (fn), .help = (h)}
#define OPT_CALLBACK_NOARG(s, l, v, fn, h) \
	{.type = CLI_OPT_CALLBACK, .short_name = (s), .long_name = (l), \
	 .value = (v), .callback = (fn), .no_arg = true, .help = (h)}
/* clang-format on */

/* Flags of cli_parse_options. */
enum {
	/* Stop at the first argument that is not an option (exec, run,
	 * characterize: what follows is the command's own); otherwise
	 * options and arguments may be mixed, as GNU programs allow. */
	CLI_PARSE_STOP_AT_ARG = 1 << 0,
	/* Leave a "--" that ends the options at the head of the arguments
	 * (for a command that gives "--" a meaning of its own). */
	CLI_PARSE_KEEP_DASHDASH = 1 << 1,
};

/* Parse argv[1..argc-1] (argv[0] is the command's name) against `options`.
 * --help (or -h, unless the table uses -h) prints the help on stdout.
 * Returns the number of arguments left, moved to argv[0..n-1] in their
 * order; or -1 with *status 0 after --help, 2 after a usage error (printed
 * as "zdvfs CMD: ..." with a pointer to --help). `usage` is the list of
 * synopsis lines ("zdvfs CMD [OPTIONS] FILE..."), NULL-terminated. */
int cli_parse_options(const char *cmd, const char *const *usage,
		      const struct cli_option *options, int flags, int argc,
		      char **argv, int *status);

/* The help: "usage:" lines, then the table's text, headings and options. */
void cli_usage_with_options(FILE *out, const char *const *usage,
			    const struct cli_option *options);

/* Print `text` word-wrapped to 79 columns, each line after the first
 * indented by `indent` spaces (the first is already at column `col`);
 * a '\n' in text starts a new line. */
void cli_print_wrapped(FILE *out, const char *text, int col, int indent);

#endif
