/* main.c - `zdvfs`: dispatch to one subcommand per file. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "options.h"

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
    {"sweep", cmd_sweep,
     "sweep a board's decisions into the sample store (the model's data)"},
    {"train", cmd_train,
     "(re)train a board's agents from the runs in the store"},
    {"characterize", cmd_characterize,
     "measure any OpenMP program into profiles for the simulator"},
    {"bench", cmd_bench,
     "compare the policies on the simulated boards, with a report"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *const zdvfs_usage[] = {
    "zdvfs [--version] [--help] COMMAND [ARGS]", NULL};

/* zdvfs's own options table: its options, and the commands as the rows
 * man.cmake reads to write one page per command. */
static void top_options(struct cli_option *t, bool *version)
{
	size_t n = 0;
	t[n++] = (struct cli_option)OPT_TEXT(
	    "zdvfs chooses cores and CPU frequencies for OpenMP programs.");
	t[n++] = (struct cli_option)OPT_BOOL(0, "version", version,
					     "print the version");
	t[n++] = (struct cli_option)OPT_ITEM("--help", "print this help");
	t[n++] = (struct cli_option)OPT_GROUP("commands:");
	for (size_t i = 0; i < NCOMMANDS; i++)
		t[n++] = (struct cli_option)OPT_ITEM(commands[i].name,
						     commands[i].summary);
	t[n++] = (struct cli_option)OPT_TEXT(
	    "`zdvfs COMMAND --help` describes a command; `zdvfs profile` is "
	    "the old name of `zdvfs sweep`.\n"
	    "exit status: 0 ok, 1 runtime failure, 2 bad usage or input.");
	t[n++] = (struct cli_option)OPT_END();
}

/* Old names that still work, so that scripts written for them do; not
 * listed (no man page of their own). "profile" means a program's measured
 * profile; the sweep that was called that is `zdvfs sweep`. */
static const struct {
	const char *old_name, *name;
} aliases[] = {{"profile", "sweep"}};

static int run_command(int argc, char **argv)
{
	for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++)
		if (strcmp(aliases[a].old_name, argv[0]) == 0)
			argv[0] = (char *)aliases[a].name;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, argv[0]) == 0)
			return commands[i].run(argc, argv);
	fprintf(stderr, "zdvfs: '%s' is not a command; see `zdvfs --help`\n",
		argv[0]);
	return 2;
}

int main(int argc, char **argv)
{
	bool version = false;
	struct cli_option options[NCOMMANDS + 7];
	top_options(options, &version);
	if (argc < 2) {
		cli_usage_with_options(stderr, zdvfs_usage, options);
		return 2;
	}
	if (strcmp(argv[1], "version") == 0)
		version = true;
	if (strcmp(argv[1], "help") == 0) {
		if (argc == 2) {
			cli_usage_with_options(stdout, zdvfs_usage, options);
			return 0;
		}
		char *help_argv[] = {argv[2], "--help", NULL};
		return run_command(2, help_argv);
	}
	int status = 0;
	/* Options of zdvfs itself come before the command, whose own
	 * options are its. */
	int n = version
	    ? 0
	    : cli_parse_options("", zdvfs_usage, options, CLI_PARSE_STOP_AT_ARG,
				argc, argv, &status);
	if (n < 0)
		return status;
	if (version) {
		printf("zdvfs %s\n", ZDVFS_VERSION);
		return 0;
	}
	if (n == 0) {
		cli_usage_with_options(stderr, zdvfs_usage, options);
		return 2;
	}
	return run_command(n, argv);
}
