/* report_plots.h - the report's plots, drawn by gnuplot: data files and
 * one script (plots.gp) written into DIR/plots/ so they can be restyled
 * and redrawn by hand, then gnuplot run twice (SVG, PNG). */
#ifndef ZDVFS_BENCH_REPORT_PLOTS_H
#define ZDVFS_BENCH_REPORT_PLOTS_H

#include "report_data.h"

#define REP_PLOT_NAME 96

/* The plots the script draws, whether gnuplot drew them, and if not why. */
struct rep_plots {
	int n;
	char (*name)[REP_PLOT_NAME]; /* plots/NAME.svg and plots/NAME.png */
	int made;                    /* gnuplot drew every one */
	char why[768];               /* what stopped it, for the report */
	int pareto_workload; /* -1: every workload; else the one shown */
};

/* Write DIR/plots/ and run gnuplot ($ZDVFS_GNUPLOT, default "gnuplot").
 * Only a failure to write the data or the script is an error: gnuplot
 * missing or failing leaves made = 0 and says why. */
int rep_plots_make(const struct rep_data *d, struct rep_plots *p,
		   struct zd_err *err);
void rep_plots_free(struct rep_plots *p);

/* 1 if the script draws plot NAME (so the report can show it). */
int rep_plots_has(const struct rep_plots *p, const char *name);

#endif
