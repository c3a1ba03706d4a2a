/* report_plots.c - data files, plots.gp and two gnuplot runs into
 * DIR/plots/. gnuplot runs through fork and execvp, never a shell. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_csv.h"
#include "report_plots.h"
#include "report_stats.h"

/* More panels than this and the Pareto view shows the trace workload. */
#define MAX_PANELS 12
/* A trace keeps at most this many points per policy in its plot. */
#define MAX_TRACE_POINTS 1500

/* Where the files go, and the script being written. */
struct plot_ctx {
	const struct rep_data *d;
	struct rep_plots *p;
	char dir[PATH_MAX + 16]; /* DIR/plots */
	FILE *gp;
};

static const char script_head[] =
    "# plots.gp - the plots of the zdvfs bench report, from the .dat files\n"
    "# beside it. Restyle freely, then redraw both formats:\n"
    "#   gnuplot -e \"fmt='svg'\" plots.gp; gnuplot -e \"fmt='png'\" plots.gp\n"
    "if (!exists(\"fmt\")) fmt = 'svg'\n"
    "set encoding utf8\n"
    "setterm(w, h) = fmt eq 'svg' ? \\\n"
    "  sprintf(\"set terminal svg size %d,%d noenhanced font 'Sans,11' "
    "background rgb 'white'\", w, h) : \\\n"
    "  strstrt(GPVAL_TERMINALS, 'pngcairo') > 0 ? \\\n"
    "  sprintf(\"set terminal pngcairo size %d,%d noenhanced font "
    "'Sans,10' background rgb 'white'\", w, h) : \\\n"
    "  sprintf(\"set terminal png size %d,%d noenhanced\", w, h)\n"
    "# One colour and point per policy row, the same in every plot.\n"
    "set linetype 1 lc rgb '#d62728' pt 9\n"  /* performance */
    "set linetype 2 lc rgb '#1f77b4' pt 11\n" /* powersave */
    "set linetype 3 lc rgb '#7f7f7f' pt 5\n"  /* ondemand */
    "set linetype 4 lc rgb '#8c564b' pt 13\n" /* conservative */
    "set linetype 5 lc rgb '#bcbd22' pt 15\n" /* schedutil */
    "set linetype 6 lc rgb '#000000' pt 3\n"  /* table */
    "set linetype 7 lc rgb '#ff7f0e' pt 4\n"  /* qlearn */
    "set linetype 8 lc rgb '#17becf' pt 6\n"  /* zerodvfs zero-shot */
    "set linetype 9 lc rgb '#2ca02c' pt 7\n"; /* zerodvfs */

/* ---- files -------------------------------------------------------------- */

static int add_name(struct rep_plots *p, const char *name, struct zd_err *err)
{
	char(*n)[REP_PLOT_NAME] =
	    realloc(p->name, (size_t)(p->n + 1) * sizeof(*n));
	if (n == NULL)
		return zd_fail(err, ENOMEM, "out of memory");
	p->name = n;
	snprintf(p->name[p->n++], REP_PLOT_NAME, "%s", name);
	return 0;
}

int rep_plots_has(const struct rep_plots *p, const char *name)
{
	for (int i = 0; i < p->n; i++)
		if (strcmp(p->name[i], name) == 0)
			return 1;
	return 0;
}

void rep_plots_free(struct rep_plots *p)
{
	free(p->name);
	memset(p, 0, sizeof(*p));
}

static int data_open(const struct plot_ctx *c, const char *name, FILE **f,
		     char *path, size_t size, struct zd_err *err)
{
	snprintf(path, size, "%s/%s", c->dir, name);
	*f = fopen(path, "w");
	if (*f == NULL)
		return zd_fail(err, errno, "%s: cannot create: %s", path,
			       strerror(errno));
	return 0;
}

static int data_close(FILE *f, const char *path, struct zd_err *err)
{
	int bad = ferror(f);
	errno = 0;
	if (fclose(f) != 0 || bad)
		return zd_fail(err, errno ? errno : EIO, "%s: write failed: %s",
			       path, strerror(errno ? errno : EIO));
	return 0;
}

/* The script's lines that open and close plot NAME in both formats. */
static void plot_begin(struct plot_ctx *c, const char *name, int w, int h)
{
	fprintf(c->gp,
		"\n# ---- %s\nreset\nset encoding utf8\neval setterm(%d, %d)\n"
		"set output '%s.'.fmt\n",
		name, w, h, name);
}

static void plot_end(struct plot_ctx *c)
{
	fputs("unset output\n", c->gp);
}

/* ---- (a) energy against makespan, one point per policy row ------------- */

/* The geometric mean over seeds of ROW's energy and makespan; -1 if none. */
static int seeds_mean(const struct rep_data *d, int b, int w, int row,
		      double *energy, double *makespan)
{
	double le = 0, lm = 0;
	int n = 0;
	for (int s = 1; s <= d->meta.seeds; s++) {
		double e, m;
		if (rep_cell(d, b, w, s, row, &e, &m) != 0)
			continue;
		le += log(e);
		lm += log(m);
		n++;
	}
	if (n == 0)
		return -1;
	*energy = exp(le / n);
	*makespan = exp(lm / n);
	return 0;
}

/* The workloads the Pareto view shows: all, or the trace workload. */
static int pareto_workloads(const struct rep_data *d, int *shown)
{
	int trace = rep_data_workload(d, d->meta.trace_workload);
	if (d->meta.nworkloads <= MAX_PANELS) {
		for (int w = 0; w < d->meta.nworkloads; w++)
			shown[w] = w;
		return d->meta.nworkloads;
	}
	shown[0] = trace >= 0 ? trace : 0;
	return 1;
}

/* One block per workload with data: "row makespan energy". */
static int pareto_data(struct plot_ctx *c, int b, const int *shown, int nshown,
		       int *panel, int *npanels, struct zd_err *err)
{
	char name[REP_PLOT_NAME + 8], path[PATH_MAX + 128];
	FILE *f;
	snprintf(name, sizeof(name), "pareto-%s.dat",
		 c->d->meta.boards[b].name);
	int rc = data_open(c, name, &f, path, sizeof(path), err);
	if (rc != 0)
		return rc;
	fprintf(f,
		"# %s: per workload (one block each), per policy row: "
		"row makespan_s energy_j,\n# geometric means over seeds\n",
		c->d->meta.boards[b].name);
	*npanels = 0;
	for (int i = 0; i < nshown; i++) {
		int w = shown[i], rows = 0;
		for (int row = 0; row < REP_NROWS; row++) {
			double e, m;
			if (seeds_mean(c->d, b, w, row, &e, &m) != 0)
				continue;
			if (rows++ == 0)
				fprintf(f, "%s# workload %s\n",
					*npanels ? "\n\n" : "",
					c->d->meta.workloads[w]);
			fprintf(f, "%d %.9g %.9g\n", row + 1, m, e);
		}
		if (rows > 0)
			panel[(*npanels)++] = w;
	}
	return data_close(f, path, err);
}

static void pareto_script(struct plot_ctx *c, int b, const int *panel,
			  int npanels)
{
	const char *board = c->d->meta.boards[b].name;
	int cols = (int)ceil(sqrt(npanels + 1.0));
	int rows = (npanels + 1 + cols - 1) / cols;
	char name[REP_PLOT_NAME];
	snprintf(name, sizeof(name), "pareto-%s", board);
	plot_begin(c, name, 330 * cols, 280 * rows);
	fputs("rows = \"", c->gp);
	for (int row = 0; row < REP_NROWS; row++)
		fprintf(c->gp, "%s%s", row ? " " : "", rep_rows[row].key);
	fprintf(
	    c->gp,
	    "\"\nset multiplot layout %d,%d title "
	    "'%s: energy against makespan (lower left is better)'\n"
	    "unset key\nset offsets graph 0.1, graph 0.1, graph 0.1, "
	    "graph 0.1\nset xlabel 'makespan (s)'\nset ylabel 'energy (J)'\n",
	    rows, cols, board);
	for (int i = 0; i < npanels; i++)
		fprintf(c->gp,
			"set title '%s'\nplot for [p=1:%d] '%s.dat' "
			"index %d using ($1 == p ? $2 : NaN):3 with points "
			"lt p ps 1.4 notitle\n",
			c->d->meta.workloads[panel[i]], REP_NROWS, name, i);
	/* The last panel is the key alone: points outside its range. */
	fprintf(
	    c->gp,
	    "unset title\nunset xlabel\nunset ylabel\nunset border\n"
	    "unset tics\nunset offsets\nset xrange [0:1]\nset yrange [0:1]\n"
	    "set key center center\nplot for [p=1:%d] 2 with points lt p "
	    "ps 1.4 title word(rows, p)\nunset multiplot\n",
	    REP_NROWS);
	plot_end(c);
}

static int plot_pareto(struct plot_ctx *c, int b, struct zd_err *err)
{
	int nw = c->d->meta.nworkloads, nshown, npanels;
	int *shown = malloc((size_t)nw * sizeof(*shown));
	int *panel = malloc((size_t)nw * sizeof(*panel));
	int rc = shown && panel ? 0 : zd_fail(err, ENOMEM, "out of memory");
	if (rc == 0) {
		nshown = pareto_workloads(c->d, shown);
		c->p->pareto_workload = nshown < nw ? shown[0] : -1;
		rc = pareto_data(c, b, shown, nshown, panel, &npanels, err);
	}
	if (rc == 0 && npanels > 0) {
		char name[REP_PLOT_NAME];
		snprintf(name, sizeof(name), "pareto-%s",
			 c->d->meta.boards[b].name);
		pareto_script(c, b, panel, npanels);
		rc = add_name(c->p, name, err);
	}
	free(shown);
	free(panel);
	return rc;
}

/* ---- (b) temperature over time of the trace workload -------------------- */

struct trace {
	double *t, *temp, *power;
	size_t n, cap;
};

static void trace_free(struct trace *tr)
{
	free(tr->t);
	free(tr->temp);
	free(tr->power);
	memset(tr, 0, sizeof(*tr));
}

static int trace_add(struct trace *tr, double t, double temp, double power,
		     struct zd_err *err)
{
	if (tr->n == tr->cap) {
		size_t cap = tr->cap ? tr->cap * 2 : 1024;
		double *a = realloc(tr->t, cap * sizeof(*a));
		if (a != NULL)
			tr->t = a;
		double *b = realloc(tr->temp, cap * sizeof(*b));
		if (b != NULL)
			tr->temp = b;
		double *p = realloc(tr->power, cap * sizeof(*p));
		if (p != NULL)
			tr->power = p;
		if (a == NULL || b == NULL || p == NULL)
			return zd_fail(err, ENOMEM, "out of memory");
		tr->cap = cap;
	}
	tr->t[tr->n] = t;
	tr->temp[tr->n] = temp;
	tr->power[tr->n] = power;
	tr->n++;
	return 0;
}

/* Read traces/BOARD__WORKLOAD__POLICY.csv; 1 if read, 0 if absent. */
static int trace_read(const struct rep_data *d, int b, int policy,
		      struct trace *tr, struct zd_err *err)
{
	char path[PATH_MAX + 256];
	snprintf(path, sizeof(path), "%s/traces/%s__%s__%s.csv", d->dir,
		 d->meta.boards[b].name, d->meta.trace_workload,
		 rep_policy_names[policy]);
	if (access(path, F_OK) != 0)
		return 0;
	struct rep_csv c;
	int rc = rep_csv_open(&c, path, err);
	if (rc != 0)
		return rc;
	static const char *const names[] = {"t_s", "hottest_c", "power_w"};
	int col[3];
	for (int k = 0; k < 3 && rc == 0; k++) {
		col[k] = rep_csv_column(&c, names[k], err);
		rc = col[k] < 0 ? col[k] : 0;
	}
	while (rc == 0 && (rc = rep_csv_next(&c, err)) > 0) {
		double v[3];
		rc = 0;
		for (int k = 0; k < 3 && rc == 0; k++)
			rc = rep_csv_number(&c, col[k], k == 2, &v[k], err);
		if (rc == 0)
			rc = trace_add(tr, v[0], v[1], v[2], err);
	}
	rep_csv_close(&c);
	return rc == 0 ? 1 : rc;
}

/* The row a trace's policy is shown as: its first, so zerodvfs's trace
 * (run 0) is the zero-shot row. */
static int trace_row(int policy)
{
	for (int row = 0; row < REP_NROWS; row++)
		if (rep_rows[row].policy == policy)
			return row;
	return 0;
}

/* Append one policy's trace as a block, thinned to MAX_TRACE_POINTS. */
static void trace_block(FILE *f, const struct trace *tr, int policy, int first)
{
	size_t step = tr->n > MAX_TRACE_POINTS
	    ? (tr->n + MAX_TRACE_POINTS - 1) / MAX_TRACE_POINTS
	    : 1;
	fprintf(f, "%s# %s: t_s hottest_c power_w (every %zu. step)\n",
		first ? "" : "\n\n", rep_policy_names[policy], step);
	for (size_t i = 0; i < tr->n; i += step)
		fprintf(f, "%.9g %.9g %.9g\n", tr->t[i], tr->temp[i],
			isnan(tr->power[i]) ? 0.0 : tr->power[i]);
}

/* One block per policy with a trace; SHOWN gets those policies, MAX_C
 * the hottest temperature of them all. */
static int temperature_data(struct plot_ctx *c, int b, int *shown, int *n,
			    double *max_c, struct zd_err *err)
{
	char name[REP_PLOT_NAME + 8], path[PATH_MAX + 128];
	FILE *f = NULL;
	int rc = 0;
	*n = 0;
	for (int policy = 0; policy < REP_NPOLICIES; policy++) {
		struct trace tr = {0};
		rc = trace_read(c->d, b, policy, &tr, err);
		if (rc > 0 && tr.n > 0 && f == NULL) {
			snprintf(name, sizeof(name), "temperature-%s.dat",
				 c->d->meta.boards[b].name);
			rc = data_open(c, name, &f, path, sizeof(path), err);
			if (rc == 0)
				fprintf(f, "# %s, %s: one block per policy\n",
					c->d->meta.boards[b].name,
					c->d->meta.trace_workload);
			rc = rc == 0 ? 1 : rc;
		}
		if (rc > 0 && tr.n > 0) {
			trace_block(f, &tr, policy, *n == 0);
			shown[(*n)++] = policy;
			for (size_t i = 0; i < tr.n; i++)
				*max_c = fmax(*max_c, tr.temp[i]);
		}
		trace_free(&tr);
		if (rc < 0)
			break;
		rc = 0;
	}
	if (f != NULL) {
		int crc = data_close(f, path, err);
		rc = rc ? rc : crc;
	}
	return rc;
}

static int plot_temperature(struct plot_ctx *c, int b, struct zd_err *err)
{
	int shown[REP_NPOLICIES], n;
	double max_c = -INFINITY;
	if (rep_data_workload(c->d, c->d->meta.trace_workload) < 0)
		return 0;
	int rc = temperature_data(c, b, shown, &n, &max_c, err);
	if (rc != 0 || n == 0)
		return rc;
	const struct rep_board *board = &c->d->meta.boards[b];
	char name[REP_PLOT_NAME];
	snprintf(name, sizeof(name), "temperature-%s", board->name);
	plot_begin(c, name, 900, 520);
	/* A limit far above every trace would flatten them: named instead. */
	int limit_shown = board->limit_c <= max_c + 15;
	fprintf(c->gp,
		"set title '%s, %s (seed 1, run 0): hottest zone%s'\n"
		"set xlabel 'time (s)'\nset ylabel 'temperature (°C)'\n"
		"set key outside right top\nset grid\nplot ",
		board->name, c->d->meta.trace_workload,
		limit_shown ? "" : ", far under the thermal limit");
	for (int i = 0; i < n; i++)
		fprintf(c->gp,
			"%s'%s.dat' index %d using 1:2 with lines lt %d "
			"lw 1.5 title '%s'",
			i ? ", \\\n     " : "", name, i,
			trace_row(shown[i]) + 1,
			rep_rows[trace_row(shown[i])].key);
	if (limit_shown)
		fprintf(c->gp,
			", \\\n     %.9g with lines dt 2 lw 1.5 "
			"lc rgb 'red' title 'thermal limit'",
			board->limit_c);
	fputs("\n", c->gp);
	plot_end(c);
	return add_name(c->p, name, err);
}

/* ---- (c) convergence: mean reward per run ------------------------------- */

static int convergence_data(struct plot_ctx *c, int b, int *points,
			    struct zd_err *err)
{
	int runs = c->d->meta.runs;
	double *q = malloc((size_t)runs * sizeof(*q));
	double *z = malloc((size_t)runs * sizeof(*z));
	char name[REP_PLOT_NAME + 8], path[PATH_MAX + 128];
	FILE *f = NULL;
	int rc = q && z ? 0 : zd_fail(err, ENOMEM, "out of memory");
	*points = 0;
	if (rc == 0) {
		rep_reward_curve(c->d, b, REP_QLEARN, q);
		rep_reward_curve(c->d, b, REP_ZERODVFS, z);
		snprintf(name, sizeof(name), "convergence-%s.dat",
			 c->d->meta.boards[b].name);
		rc = data_open(c, name, &f, path, sizeof(path), err);
	}
	if (rc == 0) {
		fprintf(f,
			"# %s: run qlearn zerodvfs (mean reward over "
			"workloads and seeds)\n",
			c->d->meta.boards[b].name);
		for (int r = 0; r < runs; r++) {
			fprintf(f, "%d %.9g %.9g\n", r, q[r], z[r]);
			*points += !isnan(q[r]) + !isnan(z[r]);
		}
		rc = data_close(f, path, err);
	}
	free(q);
	free(z);
	return rc;
}

static int plot_convergence(struct plot_ctx *c, int b, struct zd_err *err)
{
	int points;
	int rc = convergence_data(c, b, &points, err);
	if (rc != 0 || points == 0)
		return rc;
	const char *board = c->d->meta.boards[b].name;
	char name[REP_PLOT_NAME];
	snprintf(name, sizeof(name), "convergence-%s", board);
	plot_begin(c, name, 800, 480);
	fprintf(c->gp,
		"set title '%s: mean reward per run (higher is "
		"better)'\nset xlabel 'run index (zerodvfs run 0 is "
		"zero-shot)'\nset ylabel 'reward'\nset key bottom right\n"
		"set grid\nset offsets 0, 0, graph 0.05, graph 0.05\n"
		"set xrange [-0.5:%g]\n%s"
		"plot '%s.dat' using 1:2 with linespoints lt 7 lw 2 "
		"title 'qlearn (model-free)', \\\n     '' using 1:3 with "
		"linespoints lt 9 lw 2 title 'zerodvfs'\n",
		board, c->d->meta.runs - 0.5,
		c->d->meta.runs <= 20 ? "set xtics 1\n" : "", name);
	plot_end(c);
	return add_name(c->p, name, err);
}

/* ---- (d) predicted against measured makespan ---------------------------- */

/* One block per board: "measured predicted"; LO and HI span both. */
static int accuracy_data(struct plot_ctx *c, int *boards_with_points,
			 double *lo, double *hi, struct zd_err *err)
{
	char path[PATH_MAX + 128];
	FILE *f;
	int rc = data_open(c, "accuracy.dat", &f, path, sizeof(path), err);
	if (rc != 0)
		return rc;
	fputs("# zerodvfs runs, one block per board: measured_makespan_s "
	      "predicted_makespan_s\n",
	      f);
	*boards_with_points = 0;
	*lo = INFINITY;
	*hi = 0;
	for (int b = 0; b < c->d->meta.nboards; b++) {
		int n = 0;
		fprintf(f, "%s# %s\n", b ? "\n\n" : "",
			c->d->meta.boards[b].name);
		for (size_t i = 0; i < c->d->nruns; i++) {
			const struct rep_run *r = &c->d->runs[i];
			if (r->board != b || r->policy != REP_ZERODVFS ||
			    !(r->pred_makespan_s > 0))
				continue;
			fprintf(f, "%.9g %.9g\n", r->makespan_s,
				r->pred_makespan_s);
			*lo =
			    fmin(*lo, fmin(r->makespan_s, r->pred_makespan_s));
			*hi =
			    fmax(*hi, fmax(r->makespan_s, r->pred_makespan_s));
			n++;
		}
		if (n == 0)
			fputs("NaN NaN\n", f); /* keeps the block numbering */
		*boards_with_points += n > 0;
	}
	return data_close(f, path, err);
}

static int plot_accuracy(struct plot_ctx *c, struct zd_err *err)
{
	int boards;
	double lo, hi;
	int rc = accuracy_data(c, &boards, &lo, &hi, err);
	if (rc != 0 || boards == 0)
		return rc;
	plot_begin(c, "accuracy", 640, 600);
	/* The same range on both axes, so y = x is the diagonal. */
	fprintf(c->gp,
		"set title 'zerodvfs: predicted against measured "
		"makespan'\nset xlabel 'measured makespan (s)'\n"
		"set ylabel 'predicted makespan (s)'\n"
		"set logscale xy\nset size ratio -1\nset grid\n"
		"set xrange [%.6g:%.6g]\nset yrange [%.6g:%.6g]\n"
		"set key top left\n%s\nplot ",
		lo / 1.25, hi * 1.25, lo / 1.25, hi * 1.25,
		hi / lo < 100 ? "set xtics 2\nset ytics 2" : "");
	for (int b = 0; b < c->d->meta.nboards; b++)
		fprintf(c->gp,
			"'accuracy.dat' index %d using 1:2 with points "
			"pt 7 ps 0.8 lc %d title '%s', \\\n     ",
			b, b + 1, c->d->meta.boards[b].name);
	fputs("x with lines dt 2 lc rgb 'black' title 'y = x'\n", c->gp);
	plot_end(c);
	return add_name(c->p, "accuracy", err);
}

/* ---- running gnuplot ---------------------------------------------------- */

/* The last non-empty line of the gnuplot log, to say what went wrong. */
static void log_tail(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[512];
	out[0] = '\0';
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0' && strncmp(line, "Warning", 7) != 0)
			snprintf(out, size, "%s", line);
	}
	fclose(f);
}

/* In the child: into DIR/plots, output to the log, exec gnuplot. */
static void gnuplot_child(const char *dir, const char *gnuplot,
			  const char *fmt_arg, int log_fd)
{
	if (chdir(dir) != 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
	    dup2(log_fd, STDERR_FILENO) < 0)
		_exit(126);
	char *argv[] = {(char *)gnuplot, "-e", (char *)fmt_arg, "plots.gp",
			NULL};
	execvp(gnuplot, argv);
	dprintf(log_fd, "cannot run %s: %s\n", gnuplot, strerror(errno));
	_exit(127);
}

/* Run gnuplot for one format. 0 if it drew, else WHY says what. */
static int run_gnuplot(const struct plot_ctx *c, const char *fmt, char *why,
		       size_t size)
{
	const char *gnuplot = getenv("ZDVFS_GNUPLOT");
	if (gnuplot == NULL || gnuplot[0] == '\0')
		gnuplot = "gnuplot";
	char log_path[PATH_MAX + 32], fmt_arg[32], tail[512];
	snprintf(log_path, sizeof(log_path), "%s/gnuplot.log", c->dir);
	snprintf(fmt_arg, sizeof(fmt_arg), "fmt='%s'", fmt);
	int log_fd =
	    open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		snprintf(why, size, "%s: cannot create: %s", log_path,
			 strerror(errno));
		return -1;
	}
	fflush(NULL); /* nothing buffered twice by the child */
	pid_t pid = fork();
	if (pid == 0)
		gnuplot_child(c->dir, gnuplot, fmt_arg, log_fd);
	int status = 0, saved = errno;
	close(log_fd);
	if (pid < 0) {
		snprintf(why, size, "cannot start gnuplot: %s",
			 strerror(saved));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(why, size, "waiting for gnuplot: %s",
				 strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	log_tail(log_path, tail, sizeof(tail));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(why, size,
			 "gnuplot could not be run (%s); install "
			 "gnuplot-nox or set ZDVFS_GNUPLOT",
			 tail);
	else if (WIFEXITED(status))
		snprintf(why, size,
			 "gnuplot failed with status %d drawing "
			 "the %s plots: %s (see plots/gnuplot.log)",
			 WEXITSTATUS(status), fmt, tail);
	else
		snprintf(why, size, "gnuplot was killed by signal %d",
			 WTERMSIG(status));
	return -1;
}

/* Every plot's files, removed before drawing so none is stale. */
static void remove_outputs(const struct plot_ctx *c)
{
	char path[PATH_MAX + 256];
	for (int i = 0; i < c->p->n; i++) {
		snprintf(path, sizeof(path), "%s/%s.svg", c->dir,
			 c->p->name[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s.png", c->dir,
			 c->p->name[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/gnuplot.log", c->dir);
	unlink(path);
}

/* 1 if every plot exists in both formats, else WHY names the first not. */
static int outputs_present(const struct plot_ctx *c, char *why, size_t size)
{
	static const char *const ext[] = {"svg", "png"};
	char path[PATH_MAX + 256];
	for (int i = 0; i < c->p->n; i++)
		for (int k = 0; k < 2; k++) {
			struct stat st;
			snprintf(path, sizeof(path), "%s/%s.%s", c->dir,
				 c->p->name[i], ext[k]);
			if (stat(path, &st) != 0 || st.st_size == 0) {
				snprintf(why, size,
					 "gnuplot did not write "
					 "plots/%s.%s",
					 c->p->name[i], ext[k]);
				return 0;
			}
		}
	return 1;
}

static void draw(struct plot_ctx *c)
{
	remove_outputs(c);
	if (c->p->n == 0) {
		snprintf(c->p->why, sizeof(c->p->why),
			 "the results hold nothing to plot yet");
		return;
	}
	if (run_gnuplot(c, "svg", c->p->why, sizeof(c->p->why)) != 0 ||
	    run_gnuplot(c, "png", c->p->why, sizeof(c->p->why)) != 0)
		return;
	c->p->made = outputs_present(c, c->p->why, sizeof(c->p->why));
}

/* ---- the whole set ------------------------------------------------------ */

static int write_all(struct plot_ctx *c, struct zd_err *err)
{
	int rc = 0;
	fputs(script_head, c->gp);
	for (int b = 0; rc == 0 && b < c->d->meta.nboards; b++) {
		rc = plot_pareto(c, b, err);
		if (rc == 0)
			rc = plot_temperature(c, b, err);
		if (rc == 0)
			rc = plot_convergence(c, b, err);
	}
	if (rc == 0)
		rc = plot_accuracy(c, err);
	return rc;
}

int rep_plots_make(const struct rep_data *d, struct rep_plots *p,
		   struct zd_err *err)
{
	struct plot_ctx c = {.d = d, .p = p};
	char path[PATH_MAX + 32];
	memset(p, 0, sizeof(*p));
	p->pareto_workload = -1;
	snprintf(c.dir, sizeof(c.dir), "%s/plots", d->dir);
	if (mkdir(c.dir, 0755) != 0 && errno != EEXIST)
		return zd_fail(err, errno, "%s: cannot create: %s", c.dir,
			       strerror(errno));
	int rc = data_open(&c, "plots.gp", &c.gp, path, sizeof(path), err);
	if (rc == 0) {
		rc = write_all(&c, err);
		int crc = data_close(c.gp, path, err);
		rc = rc ? rc : crc;
	}
	if (rc == 0)
		draw(&c);
	if (rc != 0)
		rep_plots_free(p);
	return rc;
}
