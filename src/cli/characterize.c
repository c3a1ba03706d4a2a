/* characterize.c - `zdvfs characterize -- ./app args`: measure any OpenMP
 * program into profiles the simulator runs (src/eval/characterize.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "zdvfs/characterize.h"
#include "zdvfs/signals.h"

static const char characterize_usage[] =
    "usage: zdvfs characterize [--boards LIST] [--region FUNC] [--out "
    "FILE|DIR]\n"
    "                          [--name NAME] [--source FILE] [--runs N]\n"
    "                          [--keep DIR] [--platform-dir DIR] [--quiet]\n"
    "                          -- PROGRAM [ARGS...]\n\n"
    "Measures an OpenMP program as you run it (PROGRAM ARGS, at the size\n"
    "those arguments give) and writes a profile per board "
    "(docs/profile-format.md,\n"
    "\"Profiles of any program\") that `zdvfs sim --profile`, `zdvfs run\n"
    "--board sim:B --profile` and `zdvfs bench --profiles` run:\n"
    "  - valgrind's callgrind, 1 thread, once per distinct cache geometry "
    "of the\n"
    "    boards' clusters and once for the footprint: instructions, "
    "accesses and\n"
    "    misses of the whole program, or with --region FUNC of FUNC and "
    "what it\n"
    "    calls (callgrind's --toggle-collect; FUNC must not be inlined);\n"
    "  - the OMPT tool under LLVM's libomp, 2 threads (a gcc/libgomp "
    "program is\n"
    "    run on libomp's GOMP interface): parallel structure of the WHOLE\n"
    "    program, also with --region;\n"
    "  - native runs with 1 and 2 threads: wall time of the WHOLE process.\n"
    "Nothing is extrapolated: the profile stands for the run measured. "
    "Under\n"
    "valgrind a program runs 20-100x slower: choose arguments that finish "
    "in\n"
    "seconds natively.\n\n"
    "  --boards LIST     comma-separated boards (default: every board)\n"
    "  --region FUNC     count FUNC and its callees only (as callgrind names "
    "it)\n"
    "  --out FILE|DIR    FILE.json (one board) or DIR/BOARD/NAME.json "
    "(default\n"
    "                    DIR: ./profiles, the layout `bench --profiles "
    "DIR` reads)\n"
    "  --name NAME       the program's name in the profile (default: the\n"
    "                    program's file name, '.' made '_')\n"
    "  --source FILE     the program's source, recorded in the profile: "
    "the bench\n"
    "                    reads its code features from it (zerodvfs decides "
    "from\n"
    "                    them); without it the bench refuses the profile "
    "for\n"
    "                    policies that need features\n"
    "  --runs N          native and OMPT runs each (default 3; medians)\n"
    "  --keep DIR        keep the raw measurements (logs, callgrind, OMPT) "
    "in DIR\n"
    "  --quiet           no progress lines\n\n"
    "Needs valgrind (package valgrind) and LLVM's libomp (libomp-dev); the\n"
    "OMPT tool is found in the build tree or PREFIX/libexec/zdvfs\n"
    "($ZDVFS_OMPT_LIB, $ZDVFS_LIBOMP override). Exit status 2 when the "
    "program\n"
    "is missing, exits non-zero or never enters --region's function;\n"
    "128 + the signal when stopped (Ctrl-C): the run under way is ended\n"
    "and the temporary directory removed.\n";

int cmd_characterize(int argc, char **argv)
{
	static const struct option options[] = {
	    {"boards", required_argument, NULL, 'b'},
	    {"region", required_argument, NULL, 'r'},
	    {"out", required_argument, NULL, 'o'},
	    {"name", required_argument, NULL, 'n'},
	    {"source", required_argument, NULL, 's'},
	    {"runs", required_argument, NULL, 'R'},
	    {"keep", required_argument, NULL, 'k'},
	    {"platform-dir", required_argument, NULL, 'P'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0}};
	struct zd_char_opts o = {.log = stderr};
	char *boards_text = NULL;
	const char *boards[64];
	long runs = 0;
	char source[4096];
	int c;
	/* '+': stop at the program's name, whose options are its own */
	while ((c = getopt_long(argc, argv, "+", options, NULL)) != -1) {
		switch (c) {
		case 'b': boards_text = optarg; break;
		case 'r': o.region = optarg; break;
		case 'o': o.out = optarg; break;
		case 'n': o.name = optarg; break;
		case 's':
			/* recorded absolute: the bench reads it from anywhere */
			if (realpath(optarg, source) == NULL)
				return cli_usage_error("characterize",
						       "--source %s: no such "
						       "file",
						       optarg);
			o.source = source;
			break;
		case 'R':
			if (cli_parse_long("characterize", "--runs", optarg, 1,
					   15, &runs) != 0)
				return 2;
			break;
		case 'k': o.keep = optarg; break;
		case 'P': o.platform_dir = optarg; break;
		case 'q': o.log = NULL; break;
		case 'h': fputs(characterize_usage, stdout); return 0;
		default: return cli_usage_error("characterize", "bad option");
		}
	}
	if (optind >= argc)
		return cli_usage_error(
		    "characterize",
		    "no program: zdvfs characterize [OPTIONS] "
		    "-- PROGRAM [ARGS]");
	if (o.region != NULL && o.region[0] == '\0')
		return cli_usage_error("characterize", "--region is empty");
	if (boards_text != NULL) {
		for (char *t = strtok(boards_text, ","); t != NULL;
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
	o.timing_runs = o.ompt_runs = (int)runs;
	o.argv = argv + optind;
	/* the command line, for the profile's generated_by */
	char cmd[4096] = "zdvfs";
	size_t len = strlen(cmd);
	for (int i = 0; i < argc && len + 2 < sizeof cmd; i++)
		len += (size_t)snprintf(cmd + len, sizeof cmd - len, " %s",
					argv[i]);
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
