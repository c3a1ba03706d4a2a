/* cli.h - the zdvfs command line: one file per subcommand (src/cli/NAME.c
 * defining cmd_NAME), dispatched from the table in main.c, as perf and git
 * do. To add a command: write the file, add its line to the table in main.c
 * and the file to src/cli/CMakeLists.txt (the only list of the CLI's
 * sources); its options table (options.h) is its parser, its --help and its
 * man page (docs/design.md).
 *
 * Exit statuses: 0 ok, 1 runtime failure, 2 bad usage or input; `exec` passes
 * on the child's status instead. */
#ifndef ZDVFS_CLI_H
#define ZDVFS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "zdvfs/err.h"

int cmd_status(int argc, char **argv);
int cmd_platforms(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_workloads(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_features(int argc, char **argv);
int cmd_model(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_decide(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_characterize(int argc, char **argv);

/* Print "zdvfs CMD: message" for an error and return its exit status. */
int cli_error(const char *cmd, const struct zd_err *err);
/* Usage error: message, hint to --help, exit status 2 (cmd "": zdvfs's
 * own). */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An integer option in lo..hi into *out; else a usage error (status 2)
 * "OPT 'TEXT' is not a number in LO..HI" for command CMD. */
int cli_parse_long(const char *cmd, const char *opt, const char *text, long lo,
		   long hi, long *out);

/* A real option in lo..hi, else a usage error (status 2) naming it. */
int cli_parse_double(const char *cmd, const char *opt, const char *text,
		     double lo, double hi, double *out);
/* --seed of every command: 0..2^32-1, else a usage error. */
int cli_parse_seed(const char *cmd, const char *text, uint64_t *seed);

/* A frequency as users type it: 1400000 (kHz), 1400000kHz, 1400MHz,
 * 1.4GHz. */
int cli_parse_khz(const char *text, uint32_t *khz, struct zd_err *err);

/* A run's report, to `path` (NULL: stderr): JSON, or the text `print`
 * makes of it. 1, with a message, if the file cannot be written. */
int cli_write_report(const char *cmd, const char *path, bool as_json, json_t *r,
		     void (*print)(FILE *out, json_t *r));

/* A frequency (as cli_parse_khz reads it) for domains whose levels span
 * lo_khz..hi_khz: more than 10 % outside is a usage error naming `what` and
 * the range; within it, the caller rounds to a level and says so. */
int cli_khz_in_range(const char *text, uint32_t lo_khz, uint32_t hi_khz,
		     const char *what, uint32_t *khz, struct zd_err *err);
struct zd_freq_domain;
/* Widen lo_khz..hi_khz (start at UINT32_MAX..0) to hold domain d's levels:
 * the joint range one --freq for several domains is checked against. */
void cli_widen_khz_range(const struct zd_freq_domain *d, uint32_t *lo_khz,
			 uint32_t *hi_khz);

/* Print a JSON value on stdout (with a newline) and release it. */
int cli_print_json(json_t *value);

#endif
