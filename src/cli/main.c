/* main.c - `zdvfs`: dispatch to one subcommand per file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"status", cmd_status,
     "what this machine offers: cpufreq, thermal, energy"},
    {"platforms", cmd_platforms, "the board descriptions (list, show, check)"},
    {"exec", cmd_exec, "run a command on chosen CPUs at a chosen frequency"},
    {"restore", cmd_restore, "put back what a killed zdvfs left changed"},
    {"workloads", cmd_workloads,
     "the workloads and which boards have profiles"},
    {"sim", cmd_sim, "run a workload on a simulated board"},
    {"features", cmd_features,
     "code features of an OpenMP program from its source"},
    {"model", cmd_model, "the environment model: train, evaluate, inspect"},
    {"run", cmd_run, "decide, apply, run a program, measure, learn, restore"},
    {"decide", cmd_decide,
     "the engine's decision for a program, from its source"},
    {"profile", cmd_profile,
     "profiling sweep of a board into the sample store"},
    {"train", cmd_train,
     "(re)train a board's agents from the runs in the store"},
    {"characterize", cmd_characterize,
     "measure any OpenMP program into profiles for the simulator"},
    {"bench", cmd_bench,
     "compare the policies on the simulated boards, with a report"},
};

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: zdvfs [--version] [--help] COMMAND [ARGS]\n\n"
	    "zdvfs chooses cores and CPU frequencies for OpenMP programs.\n\n"
	    "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-12s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out,
		"\n`zdvfs COMMAND --help` describes a command.\n"
		"exit status: 0 ok, 1 runtime failure, 2 bad usage or "
		"input.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *name = argv[1];
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("zdvfs %s\n", ZDVFS_VERSION);
		return 0;
	}
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		if (argc > 2 && strcmp(name, "help") == 0) {
			char *help_argv[] = {argv[2], "--help", NULL};
			for (size_t i = 0;
			     i < sizeof(commands) / sizeof(commands[0]); i++)
				if (strcmp(commands[i].name, argv[2]) == 0)
					return commands[i].run(2, help_argv);
			fprintf(stderr, "zdvfs: no command '%s'\n", argv[2]);
			return 2;
		}
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "zdvfs: '%s' is not a command; see `zdvfs --help`\n",
		name);
	return 2;
}
