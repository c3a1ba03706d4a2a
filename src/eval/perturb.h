/* perturb.h - `zdvfs bench --perturb`: simulated boards whose physics
 * differs from their descriptions by stated amounts (leakage, memory
 * bandwidth, thermal resistance, core speed), run beside the plain ones
 * with the same models and the same descriptions for the policies, so the
 * report shows how learning recovers when a real board differs from its
 * simulated twin. */
#ifndef ZDVFS_BENCH_PERTURB_H
#define ZDVFS_BENCH_PERTURB_H

#include <stdbool.h>
#include <stddef.h>

#include "zdvfs/board.h"
#include "zdvfs/err.h"

/* What `--perturb default` means. */
#define BENCH_PERTURB_DEFAULT "leak=+30%,membw=-25%,rth=+20%,speed=-10%"
/* A perturbed board's name: its description's name and this. */
#define BENCH_PERTURB_SUFFIX "+perturbed"

/* Relative changes: +0.3 is 30 % more. */
struct bench_perturb {
	bool on;
	double leak;  /* every cluster's leakage power */
	double membw; /* memory bandwidth */
	double rth;   /* every zone's thermal resistance */
	double speed; /* every cluster's work per cycle */
};

/* "leak=+30%,membw=-25%,rth=+20%,speed=-10%" (any subset, each within
 * -90 % .. +300 %), or "default"; a bad spec is a usage error. */
int bench_perturb_parse(const char *spec, struct bench_perturb *p,
			struct zd_err *err);
/* The spec back, normalised (for meta.json and the report). */
void bench_perturb_format(const struct bench_perturb *p, char *buf, size_t len);
/* Change the simulator's board (never the description the policies see). */
void bench_perturb_apply(const struct bench_perturb *p, struct zd_board *b);

#endif
