/* signals.h - the stop signals of every command (SIGINT, SIGTERM, SIGHUP),
 * in one place. The handler only records the first signal and writes a byte
 * to a self-pipe (as does SIGCHLD), so a poll() on zd_signals_fd() wakes up
 * without a race. `zdvfs exec` and `run` forward it to their child, restore
 * the machine, then die of it (zd_signals_reraise); `bench` and `profile`
 * stop between runs, pass it on to their workers and exit 128 + it, to be
 * resumed. */
#ifndef ZDVFS_SIGNALS_H
#define ZDVFS_SIGNALS_H

#include <signal.h>

#include "zdvfs/err.h"

/* Catch the stop signals (and SIGCHLD, which only wakes a poll) with
 * SA_RESTART; poll() still returns EINTR. Call it before the first change
 * to the machine, so that a signal arriving at any point leads to a
 * restore. Catching again is harmless. Forked workers inherit it. */
int zd_signals_install(struct zd_err *err);
/* Put back the handlers zd_signals_install found; what was received stays
 * recorded. */
void zd_signals_release(void);

/* The stop signal received, 0 if none. */
int zd_signals_pending(void);
/* The same as a flag for loops that check it between steps
 * (zd_sweep_opts.stop, zd_bench_opts.stop). */
const volatile sig_atomic_t *zd_signals_flag(void);
/* Stop as if `sig` had arrived (a worker whose parent is gone: SIGPIPE);
 * a signal already received stays the one. */
void zd_signals_request(int sig);
/* The self-pipe's end to poll, -1 before zd_signals_install; and emptying
 * it once poll said it is readable. */
int zd_signals_fd(void);
void zd_signals_drain(void);

/* The exit status of a stopped command: 128 + the signal (SIGINT if none
 * was received, for a stop that came another way). */
int zd_signals_status(void);
/* Die of the received signal (after restoring), so the exit status is
 * honest; returns only if no signal was received. */
void zd_signals_reraise(void);
/* In a forked child before exec: the default dispositions again, so it dies
 * of the signals it gets instead of writing to our pipe. Async-signal-safe. */
void zd_signals_default_in_child(void);

#endif
