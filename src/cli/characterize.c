/* characterize.c - `zdvfs characterize -- ./app args`: measure any OpenMP
 * program into profiles the simulator runs (src/eval/characterize.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "options.h"
#include "zdvfs/characterize.h"
#include "zdvfs/signals.h"

static const char *const characterize_usage[] = {
    "zdvfs characterize [OPTIONS] -- PROGRAM [ARGS...]", NULL};

int cmd_characterize(int argc, char **argv)
{
	struct zd_char_opts o = {.log = stderr};
	const char *boards_text = NULL, *source_arg = NULL;
	const char *boards[64];
	int runs = 0;
	bool quiet = false;
	char source[4096];
	struct cli_option options[] = {
	    OPT_TEXT(
		"Measures an OpenMP program as you run it (PROGRAM ARGS, "
		"at the size those arguments give) and writes a profile "
		"per board (docs/profile-format.md, \"Profiles of any "
		"program\") that `zdvfs sim --profile`, `zdvfs run --board "
		"sim:B --profile` and `zdvfs bench --profiles` run. It "
		"measures:"),
	    OPT_TEXT(
		"with valgrind's callgrind, 1 thread, once per distinct "
		"cache geometry of the boards' clusters and once for the "
		"footprint: instructions, accesses and misses of the whole "
		"program, or with --region FUNC of FUNC and what it calls "
		"(callgrind's --toggle-collect; FUNC must not be "
		"inlined);"),
	    OPT_TEXT("with the OMPT tool under LLVM's libomp, 2 threads (a "
		     "gcc/libgomp program is run on libomp's GOMP interface): "
		     "the parallel structure of the WHOLE program, also with "
		     "--region;"),
	    OPT_TEXT(
		"in native runs with 1 and 2 threads: the wall time of the "
		"WHOLE process."),
	    OPT_TEXT("Nothing is extrapolated: the profile stands for the run "
		     "measured. Under valgrind a program runs 20-100x slower: "
		     "choose arguments that finish in seconds natively."),
	    OPT_STRING(0, "boards", &boards_text, "LIST",
		       "comma-separated boards (default: every board)"),
	    OPT_STRING(0, "region", &o.region, "FUNC",
		       "count FUNC and its callees only (as callgrind names "
		       "it)"),
	    OPT_STRING(0, "out", &o.out, "FILE|DIR",
		       "FILE.json (one board) or DIR/BOARD/NAME.json (default "
		       "DIR: ./profiles, the layout `bench --profiles DIR` "
		       "reads)"),
	    OPT_STRING(0, "name", &o.name, "NAME",
		       "the program's name in the profile (default: the "
		       "program's file name, '.' made '_')"),
	    OPT_STRING(0, "source", &source_arg, "FILE",
		       "the program's source, recorded in the profile: the "
		       "bench reads its code features from it (zerodvfs "
		       "decides from them); without it the bench refuses the "
		       "profile for policies that need features. Only the "
		       "path is recorded, so characterize takes no -I/-D/-U "
		       "or --compile-commands (nothing here parses it): give "
		       "them to `zdvfs run --profile FILE --source FILE`, "
		       "which parses as decide does"),
	    OPT_INT(0, "runs", &runs, "N", 1, 15,
		    "native and OMPT runs each (default 3; medians)"),
	    OPT_STRING(0, "keep", &o.keep, "DIR",
		       "keep the raw measurements (logs, callgrind, OMPT) in "
		       "DIR"),
	    OPT_PLATFORM_DIR(&o.platform_dir),
	    OPT_BOOL(0, "quiet", &quiet, "no progress lines"),
	    OPT_TEXT(
		"Needs valgrind (package valgrind) and LLVM's libomp "
		"(libomp-dev); the OMPT tool is found in the build tree "
		"or PREFIX/libexec/zdvfs ($ZDVFS_OMPT_LIB, $ZDVFS_LIBOMP "
		"override). Exit status 2 when the program is missing, "
		"exits non-zero or never enters --region's function; 128 + "
		"the signal when stopped (Ctrl-C): the run under way is "
		"ended and the temporary directory removed."),
	    OPT_END(),
	};
	/* the command line, for the profile's generated_by (before parsing
	 * moves the arguments) */
	char cmd[4096] = "zdvfs";
	size_t len = strlen(cmd);
	for (int i = 0; i < argc && len + 2 < sizeof cmd; i++)
		len += (size_t)snprintf(cmd + len, sizeof cmd - len, " %s",
					argv[i]);
	int status = 0;
	/* stop at the program's name: its options are its own */
	int n = cli_parse_options("characterize", characterize_usage, options,
				  CLI_PARSE_STOP_AT_ARG, argc, argv, &status);
	if (n < 0)
		return status;
	if (n == 0)
		return cli_usage_error(
		    "characterize",
		    "no program: zdvfs characterize [OPTIONS] "
		    "-- PROGRAM [ARGS]");
	if (quiet)
		o.log = NULL;
	if (source_arg != NULL) {
		/* recorded absolute: the bench reads it from anywhere */
		if (realpath(source_arg, source) == NULL)
			return cli_usage_error("characterize",
					       "--source %s: no such file",
					       source_arg);
		o.source = source;
	}
	if (o.region != NULL && o.region[0] == '\0')
		return cli_usage_error("characterize", "--region is empty");
	if (boards_text != NULL) {
		char *text = (char *)boards_text; /* argv's, ours to cut */
		for (char *t = strtok(text, ","); t != NULL;
		     t = strtok(NULL, ",")) {
			if (o.nboards ==
			    (int)(sizeof boards / sizeof boards[0]))
				return cli_usage_error("characterize",
						       "too many boards");
			boards[o.nboards++] = t;
		}
		if (o.nboards == 0)
			return cli_usage_error("characterize",
					       "--boards is empty");
		o.boards = boards;
	}
	o.timing_runs = o.ompt_runs = runs;
	o.argv = argv;
	o.command = cmd;
	struct zd_err err;
	zd_err_clear(&err);
	/* Ctrl-C ends the run under way and removes the temporary
	 * directory before we exit 128 + the signal */
	o.stop = zd_signals_flag();
	if (zd_signals_install(&err) != 0)
		return cli_error("characterize", &err);
	int rc = zd_characterize(&o, &err);
	zd_signals_release();
	if (rc != 0 && zd_signals_pending()) {
		fprintf(stderr, "zdvfs characterize: interrupted\n");
		return zd_signals_status();
	}
	if (rc != 0)
		return cli_error("characterize", &err);
	return 0;
}
