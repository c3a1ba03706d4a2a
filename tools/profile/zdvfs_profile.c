/* zdvfs_profile.c - the C half of tools/characterize: the valgrind cache
 * geometry of each board cluster, and the assembly of a workload profile
 * (docs/profile-format.md) from the raw measurements characterize gathers.
 *
 *   zdvfs-profile caches BOARD.json      one line per cluster:
 *                                        NAME KEY I1 D1 LL (valgrind args)
 *   zdvfs-profile footprint-cache        KEY I1 D1 LL of the footprint run
 *   zdvfs-profile write BOARD.json DIR OUT.json
 *   zdvfs-profile check PROFILE.json [BOARD.json]
 *
 * DIR holds one workload's measurements (written by tools/characterize):
 *   meta               "key<TAB>value" lines (names, versions, commands)
 *   sizes              the measured sizes, one per line, ascending
 *   cg/KEY/N.out       callgrind output for cache geometry KEY at size N
 *   ompt/N.R.json      the OMPT tool's report, size N, run R
 *   timing             "threads seconds" lines of native runs at small size
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonmedian.h"
#include "base/jsonread.h"
#include "base/vgcache.h"
#include "zdvfs/board.h"

#define PROFILE_FORMAT "zdvfs-profile 1"
#define MAX_SIZES 8
#define MAX_RUNS ZD_JSON_MEDIAN_MAX /* the OMPT runs are merged at once */

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "zdvfs-profile: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

/* A JSON file through the library's reader (size limit, FILE:LINE:COLUMN
 * errors), or die. */
static json_t *load_json(const char *path, size_t flags)
{
	struct zd_err err = {0};
	json_t *j = NULL;
	if (zd_jr_load(path, ZD_JR_SMALL_MAX, flags, &j, &err) != 0)
		die("%s", err.msg);
	return j;
}

/* ---- cache geometry (the rules in src/base/vgcache.c) ---------------- */

static struct zd_vg_caches caches_of(const struct zd_board *b,
				     const struct zd_cluster_desc *c)
{
	struct zd_vg_caches cc;
	struct zd_err err;
	zd_err_clear(&err);
	if (zd_vg_cluster(b, c, &cc, &err) != 0)
		die("%s", err.msg);
	return cc;
}

static struct zd_board *load_board(const char *path)
{
	struct zd_board *b = NULL;
	struct zd_err err;
	zd_err_clear(&err);
	if (zd_board_load_file(path, &b, &err) != 0)
		die("%s", err.msg);
	return b;
}

static int cmd_caches(const char *board_path)
{
	struct zd_board *b = load_board(board_path);
	for (int i = 0; i < b->nclusters; i++) {
		struct zd_vg_caches cc = caches_of(b, &b->clusters[i]);
		char i1[64], d1[64], ll[64];
		zd_vg_arg(&cc.i1, i1, sizeof i1);
		zd_vg_arg(&cc.d1, d1, sizeof d1);
		zd_vg_arg(&cc.ll, ll, sizeof ll);
		printf("%s %s %s %s %s\n", b->clusters[i].name, cc.key, i1, d1,
		       ll);
	}
	zd_board_free(b);
	return 0;
}

static int cmd_footprint_cache(void)
{
	struct zd_vg_caches fp;
	zd_vg_footprint(&fp);
	char a[64], b[64], c[64];
	zd_vg_arg(&fp.i1, a, sizeof a);
	zd_vg_arg(&fp.d1, b, sizeof b);
	zd_vg_arg(&fp.ll, c, sizeof c);
	printf("%s %s %s %s\n", fp.key, a, b, c);
	return 0;
}

/* ---- raw measurements ----------------------------------------------------- */

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		die("out of memory");
	size_t n;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (cap - len - 1 == 0) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (buf == NULL)
				die("out of memory");
		}
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* meta: "key<TAB>value" lines. */
struct meta {
	char *text;
	char *keys[64];
	char *vals[64];
	int n;
};

static void meta_load(struct meta *m, const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/meta", dir);
	m->text = read_file(path);
	m->n = 0;
	if (m->text == NULL)
		die("%s: %s", path, strerror(errno));
	for (char *line = strtok(m->text, "\n"); line != NULL && m->n < 64;
	     line = strtok(NULL, "\n")) {
		char *tab = strchr(line, '\t');
		if (tab == NULL)
			continue;
		*tab = '\0';
		m->keys[m->n] = line;
		m->vals[m->n] = tab + 1;
		m->n++;
	}
}

static const char *meta_get(const struct meta *m, const char *key)
{
	for (int i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return m->vals[i];
	die("meta: no '%s'", key);
}

static long meta_long(const struct meta *m, const char *key)
{
	return strtol(meta_get(m, key), NULL, 10);
}

static int load_sizes(const char *dir, long *sizes)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/sizes", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	int n = 0;
	while (n < MAX_SIZES && fscanf(f, "%ld", &sizes[n]) == 1)
		n++;
	fclose(f);
	if (n < 2)
		die("%s: fewer than two sizes", path);
	return n;
}

/* Callgrind's totals, by event name. */
enum { IR, DR, DW, I1MR, D1MR, D1MW, ILMR, DLMR, DLMW, NEVENTS };
static const char *const event_names[NEVENTS] = {
    "Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"};

struct cg {
	int ok;
	double ev[NEVENTS];
};

static struct cg load_cg(const char *dir, const char *key, long n)
{
	struct cg r;
	memset(&r, 0, sizeof r);
	char path[4096];
	snprintf(path, sizeof path, "%s/cg/%s/%ld.out", dir, key, n);
	char *text = read_file(path);
	if (text == NULL)
		return r;
	char *events = strstr(text, "\nevents:");
	char *totals = strstr(text, "\ntotals:");
	if (events == NULL || totals == NULL)
		die("%s: no events/totals lines", path);
	char *names[32], *vals[32];
	int nn = 0, nv = 0;
	char *p = strchr(events + 1, '\n');
	if (p)
		*p = '\0';
	p = strchr(totals + 1, '\n');
	if (p)
		*p = '\0';
	for (char *t = strtok(events + 8, " "); t && nn < 32;
	     t = strtok(NULL, " "))
		names[nn++] = t;
	for (char *t = strtok(totals + 8, " "); t && nv < 32;
	     t = strtok(NULL, " "))
		vals[nv++] = t;
	for (int e = 0; e < NEVENTS; e++) {
		int found = 0;
		for (int i = 0; i < nn && i < nv; i++)
			if (strcmp(names[i], event_names[e]) == 0) {
				r.ev[e] = strtod(vals[i], NULL);
				found = 1;
			}
		if (!found)
			die("%s: no %s event (run with --cache-sim=yes)", path,
			    event_names[e]);
	}
	if (r.ev[IR] <= 0)
		die("%s: no instructions counted: is the kernel bracketed by "
		    "wl_kernel_begin/wl_kernel_end?",
		    path);
	r.ok = 1;
	free(text);
	return r;
}

/* ---- fits ------------------------------------------------------------------ */

enum model { POWER, EXPONENTIAL };

/* x of a size under a model: ln n (v ~ n^k) or n (v ~ e^(k n)). */
static double xof(enum model m, double n)
{
	return m == POWER ? log(n) : n;
}

/* The slope of ln(v + 1) against x between two sizes: the local exponent. */
static double slope(enum model m, double n1, double v1, double n2, double v2)
{
	double dx = xof(m, n2) - xof(m, n1);
	return dx != 0 ? (log(v2 + 1) - log(v1 + 1)) / dx : 0;
}

/* The value at `target` with exponent k, from (n_anchor, v_anchor). */
static double extrapolate(enum model m, double k, double n_anchor,
			  double v_anchor, double target)
{
	double v =
	    (v_anchor + 1) * exp(k * (xof(m, target) - xof(m, n_anchor))) - 1;
	return v < 0 ? 0 : v;
}

static json_t *jreal(double v)
{
	if (!isfinite(v))
		return json_null();
	return json_real(v);
}

static json_t *jcount(double v)
{
	if (!isfinite(v) || v > 9.0e18)
		return jreal(v);
	return json_integer((json_int_t)llround(v));
}

/* One counter's scaling.  The exponent is the local one between the two
 * largest sizes (nearest the standard size, where lower-order terms matter
 * least) and the standard value is extrapolated from the largest; the
 * smallest size checks the method: the two smaller sizes predict the largest
 * the same way (holdout_rel_error).  `unit` multiplies the values first (1e6
 * for seconds: ln(v + 1) needs values well above one to follow v). */
static json_t *scale_counter_in(enum model m, const double *n,
				const double *raw, int cnt, double standard,
				int integer, double unit)
{
	double v[MAX_SIZES];
	for (int i = 0; i < cnt; i++)
		v[i] = raw[i] * unit;
	int a = cnt - 2, b = cnt - 1;
	double k = slope(m, n[a], v[a], n[b], v[b]);
	double std_v = extrapolate(m, k, n[b], v[b], standard);
	json_t *o = json_object();
	json_object_set_new(o, "exponent", jreal(k));
	if (cnt >= 3) {
		double h = slope(m, n[a - 1], v[a - 1], n[a], v[a]);
		double pred = extrapolate(m, h, n[a], v[a], n[b]);
		double err = v[b] != 0 ? (pred - v[b]) / v[b] : 0;
		json_object_set_new(o, "holdout_rel_error", jreal(err));
	} else {
		json_object_set_new(o, "holdout_rel_error", json_null());
	}
	json_object_set_new(o, "standard",
			    integer ? jcount(std_v / unit)
				    : jreal(std_v / unit));
	return o;
}

static json_t *scale_counter(enum model m, const double *n, const double *v,
			     int cnt, double standard, int integer)
{
	return scale_counter_in(m, n, v, cnt, standard, integer, 1.0);
}

static json_t *scale_seconds(enum model m, const double *n, const double *v,
			     int cnt, double standard)
{
	return scale_counter_in(m, n, v, cnt, standard, 0, 1e6);
}

static const char *model_name(enum model m)
{
	return m == POWER ? "power" : "exponential";
}

/* ---- OMPT reports: median of the runs at each size ---------------------------- */

static json_t *load_ompt(const char *dir, long n, int *nruns)
{
	json_t *runs[MAX_RUNS];
	int cnt = 0;
	for (int r = 1; r <= MAX_RUNS; r++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/ompt/%ld.%d.json", dir, n, r);
		FILE *f = fopen(path, "r");
		if (f == NULL)
			break;
		fclose(f);
		json_t *j = load_json(path, 0);
		if (!json_is_true(json_object_get(j, "kernel_marked")))
			die("%s: the OMPT tool saw no kernel markers", path);
		runs[cnt++] = j;
	}
	*nruns = cnt;
	if (cnt == 0)
		return NULL;
	json_t *m = zd_json_median(runs, cnt);
	for (int i = 0; i < cnt; i++)
		json_decref(runs[i]);
	return m;
}

static double jnum(json_t *o, const char *path)
{
	/* dotted path into nested objects */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	json_t *cur = o;
	for (char *t = strtok(buf, "."); t != NULL && cur != NULL;
	     t = strtok(NULL, "."))
		cur = json_object_get(cur, t);
	if (!json_is_number(cur))
		die("OMPT report: no number at %s", path);
	return json_number_value(cur);
}

/* ---- the profile -------------------------------------------------------------- */

/* Board-independent counts from the footprint run at every size. */
struct base {
	int cnt;
	double n[MAX_SIZES];
	double instr[MAX_SIZES], reads[MAX_SIZES], writes[MAX_SIZES],
	    fp[MAX_SIZES];
	/* extrapolated to the standard size */
	double instr_std, reads_std, writes_std;
};

/* Steeper than n^8 between the two largest sizes: no polynomial kernel of
 * these suites grows so fast (the steepest is n^4), so the size is an index
 * of exponential work (tools/characterize measures those at n-4, n-2, n). */
#define STEEP_EXPONENT 8.0

/* The instructions' local power exponent between the two largest sizes. */
static double steepness(const double *n, const double *instr, int cnt)
{
	return slope(POWER, n[cnt - 2], instr[cnt - 2], n[cnt - 1],
		     instr[cnt - 1]);
}

static enum model choose_model(const double *n, const double *instr, int cnt)
{
	return steepness(n, instr, cnt) > STEEP_EXPONENT ? EXPONENTIAL : POWER;
}

/* Last-level misses at the standard size.  Bounds: at least the lines of
 * the footprint (cold start), at most every I1 and D1 miss.  The
 * extrapolation stands (within the bounds) when the footprint is on the
 * same side of the LL size at every measured size and at the standard
 * size; when it fits at the measured sizes but not at the standard one the
 * LL is taken to filter nothing (the upper bound). */
static void ll_estimate(json_t *counters, const struct base *b, double fp_std,
			double ll_bytes, int line_bytes)
{
	json_t *ll = json_object_get(counters, "ll_misses");
	double ext = json_number_value(json_object_get(ll, "standard"));
	double upper =
	    json_number_value(json_object_get(
		json_object_get(counters, "i1_misses"), "standard")) +
	    json_number_value(json_object_get(
		json_object_get(counters, "d1_misses"), "standard"));
	double lower = fp_std / line_bytes;
	int all_fit = 1, none_fit = 1;
	for (int i = 0; i < b->cnt; i++) {
		if (b->fp[i] <= ll_bytes)
			none_fit = 0;
		else
			all_fit = 0;
	}
	int std_fits = fp_std <= ll_bytes;
	int reliable = (all_fit && std_fits) || (none_fit && !std_fits);
	double est;
	const char *rule;
	if (!reliable && !std_fits) {
		est = upper;
		rule = "d1_bound";
	} else {
		est = ext < lower ? lower : ext > upper ? upper : ext;
		rule = est == ext ? "extrapolated" : "clamped";
		if (upper < lower) {
			est = lower;
			rule = "clamped";
		}
	}
	json_object_set_new(ll, "extrapolated", jcount(ext));
	json_object_set_new(ll, "lower", jcount(lower));
	json_object_set_new(ll, "upper", jcount(upper));
	json_object_set_new(ll, "rule", json_string(rule));
	json_object_set_new(ll, "standard", jcount(est));
}

/* A miss is an access that missed: an extrapolated miss count above the
 * accesses it comes from (a cache regime change between the measured sizes,
 * extrapolated) is capped there; `extrapolated` keeps the plain value. */
static void cap_counter(json_t *counters, const char *name, double cap)
{
	json_t *c = json_object_get(counters, name);
	double v = json_number_value(json_object_get(c, "standard"));
	if (v <= cap)
		return;
	json_object_set_new(c, "extrapolated", jcount(v));
	json_object_set_new(c, "standard", jcount(cap));
	json_object_set_new(c, "capped", json_true());
}

static void cap_misses(json_t *counters, const struct base *b)
{
	cap_counter(counters, "i1_misses", b->instr_std);
	cap_counter(counters, "d1_read_misses", b->reads_std);
	cap_counter(counters, "d1_write_misses", b->writes_std);
	cap_counter(counters, "d1_misses", b->reads_std + b->writes_std);
	cap_counter(counters, "ll_read_misses", b->instr_std + b->reads_std);
	cap_counter(counters, "ll_write_misses", b->writes_std);
}

/* A cluster's caches as the board has them, as valgrind simulates them
 * and the key of that simulation (its key in *cc). */
static json_t *caches_json(const struct zd_board *b, int ci,
			   struct zd_vg_caches *cc)
{
	struct zd_err err;
	zd_err_clear(&err);
	json_t *caches = zd_vg_caches_json(b, ci, cc, &err);
	if (caches == NULL)
		die("%s", err.msg);
	return caches;
}

/* Per-cluster misses at the sizes measured with its geometry. */
static json_t *cluster_json(const struct zd_board *b, int ci, const char *dir,
			    const long *sizes, int nsizes, enum model m,
			    double standard, const struct base *base,
			    double fp_std)
{
	const struct zd_cluster_desc *c = &b->clusters[ci];
	struct zd_vg_caches cc;
	json_t *caches = caches_json(b, ci, &cc);
	const char *key = cc.key;

	static const char *const names[] = {
	    "i1_misses",      "d1_read_misses",  "d1_write_misses", "d1_misses",
	    "ll_read_misses", "ll_write_misses", "ll_misses"};
	enum { NC = 7 };
	double n[MAX_SIZES], v[NC][MAX_SIZES];
	int cnt = 0;
	json_t *jsizes = json_array();
	for (int s = 0; s < nsizes; s++) {
		struct cg r = load_cg(dir, key, sizes[s]);
		if (!r.ok)
			continue;
		n[cnt] = (double)sizes[s];
		v[0][cnt] = r.ev[I1MR];
		v[1][cnt] = r.ev[D1MR];
		v[2][cnt] = r.ev[D1MW];
		v[3][cnt] = r.ev[D1MR] + r.ev[D1MW];
		v[4][cnt] = r.ev[ILMR] + r.ev[DLMR];
		v[5][cnt] = r.ev[DLMW];
		v[6][cnt] = r.ev[ILMR] + r.ev[DLMR] + r.ev[DLMW];
		json_t *e = json_object();
		json_object_set_new(e, "n", json_integer(sizes[s]));
		for (int k = 0; k < NC; k++)
			json_object_set_new(e, names[k], jcount(v[k][cnt]));
		json_array_append_new(jsizes, e);
		cnt++;
	}
	if (cnt < 2)
		die("%s: cluster %s: fewer than two sizes measured with %s",
		    dir, c->name, key);
	json_t *counters = json_object();
	for (int k = 0; k < NC; k++)
		json_object_set_new(
		    counters, names[k],
		    scale_counter(m, n, v[k], cnt, standard, 1));
	double ll_bytes = (double)cc.ll.size_bytes;
	cap_misses(counters, base);
	ll_estimate(counters, base, fp_std, ll_bytes, cc.ll.line_bytes);
	json_t *fits = json_array();
	int all_fit = 1, none_fit = 1;
	for (int i = 0; i < base->cnt; i++) {
		json_array_append_new(fits,
				      json_boolean(base->fp[i] <= ll_bytes));
		if (base->fp[i] <= ll_bytes)
			none_fit = 0;
		else
			all_fit = 0;
	}
	int std_fits = fp_std <= ll_bytes;
	json_t *scaling = json_pack(
	    "{s:s, s:I, s:o, s:{s:o, s:b, s:b}}", "model", model_name(m),
	    "standard_n", (json_int_t)standard, "counters", counters, "ll_fit",
	    "measured", fits, "standard", std_fits, "extrapolation_reliable",
	    (all_fit && std_fits) || (none_fit && !std_fits));
	return json_pack("{s:s, s:o, s:o, s:o}", "name", c->name, "caches",
			 caches, "sizes", jsizes, "scaling", scaling);
}

static json_t *base_sizes(const char *dir, const long *sizes, int nsizes,
			  const char *const *keys, int nkeys, struct base *b)
{
	struct zd_vg_caches fp;
	zd_vg_footprint(&fp);
	const char *fkey = fp.key;
	json_t *arr = json_array();
	b->cnt = 0;
	for (int s = 0; s < nsizes; s++) {
		struct cg r = load_cg(dir, fkey, sizes[s]);
		if (!r.ok)
			die("%s: no footprint run at n=%ld", dir, sizes[s]);
		/* the same kernel under every geometry: instruction counts
		 * must agree (valgrind is deterministic for one thread) */
		double lo = r.ev[IR], hi = r.ev[IR];
		int runs = 1;
		for (int k = 0; k < nkeys; k++) {
			struct cg o = load_cg(dir, keys[k], sizes[s]);
			if (!o.ok)
				continue;
			lo = fmin(lo, o.ev[IR]);
			hi = fmax(hi, o.ev[IR]);
			runs++;
		}
		int i = b->cnt++;
		b->n[i] = (double)sizes[s];
		b->instr[i] = r.ev[IR];
		b->reads[i] = r.ev[DR];
		b->writes[i] = r.ev[DW];
		b->fp[i] = (r.ev[DLMR] + r.ev[DLMW]) * fp.ll.line_bytes;
		json_array_append_new(
		    arr,
		    json_pack("{s:I, s:o, s:o, s:o, s:o, s:{s:i, s:o}}", "n",
			      (json_int_t)sizes[s], "instructions",
			      jcount(b->instr[i]), "data_reads",
			      jcount(b->reads[i]), "data_writes",
			      jcount(b->writes[i]), "footprint_bytes",
			      jcount(b->fp[i]), "instructions_agreement",
			      "runs", runs, "max_rel_diff",
			      jreal(lo > 0 ? (hi - lo) / lo : 0)));
	}
	return arr;
}

static json_t *parallel_json(const char *dir, const long *sizes, int nsizes,
			     double standard, enum model m)
{
	json_t *per = json_array();
	double n[MAX_SIZES], work[MAX_SIZES], span[MAX_SIZES],
	    serial[MAX_SIZES], regions[MAX_SIZES], barriers[MAX_SIZES],
	    tasks[MAX_SIZES], loops[MAX_SIZES], iters[MAX_SIZES];
	int cnt = 0, nruns = 0;
	json_t *last = NULL;
	for (int s = 0; s < nsizes; s++) {
		int r;
		json_t *o = load_ompt(dir, sizes[s], &r);
		if (o == NULL)
			continue;
		nruns = r;
		json_t *e = json_object();
		json_object_set_new(e, "n", json_integer(sizes[s]));
		json_object_update(e, o);
		json_object_del(e, "tool");
		json_object_del(e, "kernel_marked");
		n[cnt] = (double)sizes[s];
		work[cnt] = jnum(o, "work_s");
		span[cnt] = jnum(o, "span_s");
		serial[cnt] = jnum(o, "serial_s");
		regions[cnt] = jnum(o, "regions");
		barriers[cnt] = jnum(o, "barriers.implicit") +
		    jnum(o, "barriers.explicit") +
		    jnum(o, "barriers.implementation");
		tasks[cnt] = jnum(o, "tasks.created");
		loops[cnt] = jnum(o, "loops.instances");
		iters[cnt] = jnum(o, "loops.iterations_total");
		json_object_set_new(
		    e, "serial_fraction",
		    jreal(work[cnt] > 0 ? serial[cnt] / work[cnt] : 0));
		json_decref(o);
		json_array_append_new(per, e);
		last = e;
		cnt++;
	}
	if (cnt == 0)
		die("%s: no OMPT reports", dir);
	json_t *counters = json_object();
	if (cnt >= 2) {
		json_object_set_new(counters, "work_s",
				    scale_seconds(m, n, work, cnt, standard));
		json_object_set_new(counters, "span_s",
				    scale_seconds(m, n, span, cnt, standard));
		json_object_set_new(counters, "serial_s",
				    scale_seconds(m, n, serial, cnt, standard));
		json_object_set_new(
		    counters, "regions",
		    scale_counter(m, n, regions, cnt, standard, 1));
		json_object_set_new(
		    counters, "barriers",
		    scale_counter(m, n, barriers, cnt, standard, 1));
		json_object_set_new(
		    counters, "tasks_created",
		    scale_counter(m, n, tasks, cnt, standard, 1));
		json_object_set_new(
		    counters, "loop_instances",
		    scale_counter(m, n, loops, cnt, standard, 1));
		json_object_set_new(
		    counters, "loop_iterations",
		    scale_counter(m, n, iters, cnt, standard, 1));
	}
	json_t *out = json_object();
	json_object_set_new(
	    out, "runtime",
	    json_string("LLVM libomp (clang -fopenmp), OMPT tool "
			"tools/ompt/zdvfs_ompt.c"));
	json_object_set_new(out, "threads",
			    json_deep_copy(json_object_get(last, "threads")));
	json_object_set_new(out, "runs_per_size", json_integer(nruns));
	json_object_set_new(out, "combine",
			    json_string("median of each number over the runs"));
	json_object_set_new(out, "sizes", per);
	json_object_set_new(out, "scaling",
			    json_pack("{s:s, s:I, s:o}", "model", model_name(m),
				      "standard_n", (json_int_t)standard,
				      "counters", counters));
	return out;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof v[0], cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static json_t *timing_json(const char *dir, long small, const char *loadavg)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/timing", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	double t1[MAX_RUNS * 4], t2[MAX_RUNS * 4];
	int n1 = 0, n2 = 0, th;
	double s;
	json_t *s1 = json_array(), *s2 = json_array();
	while (fscanf(f, "%d %lf", &th, &s) == 2) {
		if (th == 1 && n1 < MAX_RUNS * 4) {
			t1[n1++] = s;
			json_array_append_new(s1, jreal(s));
		} else if (th == 2 && n2 < MAX_RUNS * 4) {
			t2[n2++] = s;
			json_array_append_new(s2, jreal(s));
		}
	}
	fclose(f);
	if (n1 == 0 || n2 == 0)
		die("%s: needs runs with 1 and 2 threads", path);
	double m1 = median_of(t1, n1), m2 = median_of(t2, n2);
	return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "n",
			 (json_int_t)small, "build", "gcc (libgomp)", "t1_s",
			 jreal(m1), "t2_s", jreal(m2), "speedup",
			 jreal(m2 > 0 ? m1 / m2 : 0), "t1_samples_s", s1,
			 "t2_samples_s", s2, "loadavg_before", loadavg);
}

/* The regeneration command with @BOARD@ replaced by the board's name. */
static json_t *regenerate_json(const char *tmpl, const char *board)
{
	char buf[2048];
	size_t len = 0;
	const char *p = tmpl;
	while (*p != '\0' && len + 1 < sizeof buf) {
		if (strncmp(p, "@BOARD@", 7) == 0) {
			int w =
			    snprintf(buf + len, sizeof buf - len, "%s", board);
			if (w < 0 || (size_t)w >= sizeof buf - len)
				break;
			len += (size_t)w;
			p += 7;
		} else {
			buf[len++] = *p++;
		}
	}
	buf[len] = '\0';
	return json_string(buf);
}

static int cmd_write(const char *board_path, const char *dir, const char *out)
{
	struct zd_board *b = load_board(board_path);
	struct meta m;
	meta_load(&m, dir);
	long sizes[MAX_SIZES];
	int nsizes = load_sizes(dir, sizes);
	double standard = (double)meta_long(&m, "size_standard");
	long small = meta_long(&m, "size_small");

	/* geometry keys of this board, for the agreement check */
	const char *keys[64];
	char keybuf[64][256];
	int nkeys = 0;
	for (int i = 0; i < b->nclusters && nkeys < 64; i++) {
		struct zd_vg_caches cc = caches_of(b, &b->clusters[i]);
		snprintf(keybuf[nkeys], 256, "%s", cc.key);
		keys[nkeys] = keybuf[nkeys];
		nkeys++;
	}
	struct base base;
	json_t *jsizes = base_sizes(dir, sizes, nsizes, keys, nkeys, &base);
	enum model model = choose_model(base.n, base.instr, base.cnt);
	json_t *counters = json_object();
	json_object_set_new(
	    counters, "instructions",
	    scale_counter(model, base.n, base.instr, base.cnt, standard, 1));
	json_object_set_new(
	    counters, "data_reads",
	    scale_counter(model, base.n, base.reads, base.cnt, standard, 1));
	json_object_set_new(
	    counters, "data_writes",
	    scale_counter(model, base.n, base.writes, base.cnt, standard, 1));
	base.instr_std = json_number_value(json_object_get(
	    json_object_get(counters, "instructions"), "standard"));
	base.reads_std = json_number_value(json_object_get(
	    json_object_get(counters, "data_reads"), "standard"));
	base.writes_std = json_number_value(json_object_get(
	    json_object_get(counters, "data_writes"), "standard"));
	json_t *fpc =
	    scale_counter(model, base.n, base.fp, base.cnt, standard, 1);
	double fp_std = json_number_value(json_object_get(fpc, "standard"));
	json_object_set_new(counters, "footprint_bytes", fpc);

	json_t *clusters = json_array();
	for (int i = 0; i < b->nclusters; i++)
		json_array_append_new(clusters,
				      cluster_json(b, i, dir, sizes, nsizes,
						   model, standard, &base,
						   fp_std));

	json_t *p = json_object();
	json_object_set_new(p, "format", json_string(PROFILE_FORMAT));
	json_object_set_new(p, "workload",
			    json_string(meta_get(&m, "workload")));
	json_object_set_new(p, "board", json_string(b->name));
	json_object_set_new(p, "suite", json_string(meta_get(&m, "suite")));
	json_object_set_new(p, "kind", json_string(meta_get(&m, "kind")));
	/* the manifest's "parallel"; here "parallel" is the OMPT section */
	json_object_set_new(p, "parallel_style",
			    json_string(meta_get(&m, "parallel")));
	json_object_set_new(p, "source", json_string(meta_get(&m, "source")));
	json_object_set_new(p, "generated_by",
			    json_string(meta_get(&m, "generated_by")));
	json_object_set_new(
	    p, "regenerate",
	    regenerate_json(meta_get(&m, "regenerate"), b->name));
	json_object_set_new(
	    p, "measured",
	    json_pack(
		"{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
		"source_cksum", meta_get(&m, "source_cksum"), "date",
		meta_get(&m, "date"), "host_cpu", meta_get(&m, "host_cpu"),
		"host_cpus", (int)meta_long(&m, "host_cpus"), "valgrind",
		meta_get(&m, "valgrind"), "gcc", meta_get(&m, "gcc"), "clang",
		meta_get(&m, "clang"), "gcc_build", meta_get(&m, "gcc_build"),
		"clang_build", meta_get(&m, "clang_build"), "callgrind",
		meta_get(&m, "callgrind"), "ompt_run",
		meta_get(&m, "ompt_run")));
	json_object_set_new(p, "size_presets",
			    json_pack("{s:I, s:I, s:I}", "tiny",
				      (json_int_t)meta_long(&m, "size_tiny"),
				      "small", (json_int_t)small, "standard",
				      (json_int_t)standard));
	json_object_set_new(p, "sizes", jsizes);
	json_object_set_new(
	    p, "scaling",
	    json_pack(
		"{s:s, s:o, s:I, s:o}", "model", model_name(model), "steepness",
		jreal(steepness(base.n, base.instr, base.cnt)), "standard_n",
		(json_int_t)standard, "counters", counters));
	json_object_set_new(p, "clusters", clusters);
	json_object_set_new(p, "parallel",
			    parallel_json(dir, sizes, nsizes, standard, model));
	json_object_set_new(p, "timing",
			    timing_json(dir, small, meta_get(&m, "loadavg")));

	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if (json_dump_file(p, tmp, JSON_INDENT(2) | JSON_REAL_PRECISION(7)) !=
	    0)
		die("%s: cannot write", tmp);
	if (rename(tmp, out) != 0)
		die("%s: %s", out, strerror(errno));
	json_decref(p);
	free(m.text);
	zd_board_free(b);
	return 0;
}

/* ---- regroup --------------------------------------------------------------------- */

/* A profile for a board whose clusters were regrouped (e.g. one A78 cluster
 * split into gold and prime domains): each board cluster takes the
 * measured entry simulated with the same cache geometry (valgrind key) -
 * the counts valgrind gives depend on nothing else - under its own name
 * and board caches. A cluster with a geometry the profile never measured
 * needs tools/characterize. */
static int cmd_regroup(const char *board_path, const char *in, const char *out)
{
	struct zd_board *b = load_board(board_path);
	json_t *p = load_json(in, JSON_REJECT_DUPLICATES);
	json_t *old = json_object_get(p, "clusters");
	if (!json_is_array(old))
		die("%s: clusters: missing", in);
	json_t *bn = json_object_get(p, "board");
	if (!json_is_string(bn) || strcmp(json_string_value(bn), b->name) != 0)
		die("%s: board is not '%s'", in, b->name);
	json_t *clusters = json_array();
	for (int ci = 0; ci < b->nclusters; ci++) {
		struct zd_vg_caches cc;
		json_t *caches = caches_json(b, ci, &cc);
		const char *key = cc.key;
		json_t *from = NULL, *c;
		size_t i;
		json_array_foreach(old, i, c)
		{
			const char *k = json_string_value(json_object_get(
			    json_object_get(c, "caches"), "valgrind_key"));
			if (from == NULL && k != NULL && strcmp(k, key) == 0)
				from = c;
		}
		if (from == NULL)
			die("%s: no cluster measured with %s's geometry %s: "
			    "run "
			    "tools/characterize --boards %s",
			    in, b->clusters[ci].name, key, b->name);
		json_t *n = json_deep_copy(from);
		json_object_set_new(n, "name",
				    json_string(b->clusters[ci].name));
		json_object_set_new(n, "caches", caches);
		json_array_append_new(clusters, n);
	}
	json_object_set_new(p, "clusters", clusters);
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", out);
	if (json_dump_file(p, tmp, JSON_INDENT(2) | JSON_REAL_PRECISION(7)) !=
	    0)
		die("%s: cannot write", tmp);
	if (rename(tmp, out) != 0)
		die("%s: %s", out, strerror(errno));
	json_decref(p);
	zd_board_free(b);
	return 0;
}

/* ---- check ----------------------------------------------------------------------- */

static int nbad;

static json_t *need(json_t *o, const char *where, const char *key,
		    json_type type)
{
	json_t *v = json_object_get(o, key);
	int ok = v != NULL;
	if (ok && type == JSON_INTEGER)
		ok = json_is_integer(v);
	else if (ok && type == JSON_REAL)
		ok = json_is_number(v);
	else if (ok)
		ok = json_typeof(v) == type ||
		    (type == JSON_TRUE && json_is_boolean(v));
	if (!ok) {
		fprintf(stderr,
			"zdvfs-profile: %s%s%s: missing or wrong type\n", where,
			*where ? "." : "", key);
		nbad++;
	}
	return ok ? v : NULL;
}

/* A profile of one run as given (`zdvfs characterize`, scaling model
 * "measured") has one size; an extrapolated one needs two. */
static int min_sizes = 2;

static void check_sizes(json_t *arr, const char *where,
			const char *const *fields)
{
	if (arr == NULL)
		return;
	if (json_array_size(arr) < (size_t)min_sizes) {
		fprintf(stderr, "zdvfs-profile: %s: fewer than %d sizes\n",
			where, min_sizes);
		nbad++;
	}
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e)
	{
		char w[256];
		snprintf(w, sizeof w, "%s[%zu]", where, i);
		for (const char *const *f = fields; *f; f++)
			need(e, w, *f, JSON_INTEGER);
	}
}

static void check_counters(json_t *owner, const char *where,
			   const char *const *fields)
{
	char w[256];
	snprintf(w, sizeof w, "%s%sscaling", where, *where ? "." : "");
	json_t *scaling = need(owner, where, "scaling", JSON_OBJECT);
	if (scaling == NULL)
		return;
	need(scaling, w, "model", JSON_STRING);
	json_t *c = need(scaling, w, "counters", JSON_OBJECT);
	if (c == NULL)
		return;
	snprintf(w, sizeof w, "%s%sscaling.counters", where, *where ? "." : "");
	for (const char *const *f = fields; *f; f++) {
		json_t *x = need(c, w, *f, JSON_OBJECT);
		if (x == NULL)
			continue;
		char w2[320];
		snprintf(w2, sizeof w2, "%s.%s", w, *f);
		need(x, w2, "exponent", JSON_REAL);
		need(x, w2, "standard", JSON_REAL);
	}
}

static int cmd_check(const char *path, const char *board_path)
{
	json_t *p = load_json(path, 0);
	nbad = 0;
	const char *model = json_string_value(
	    json_object_get(json_object_get(p, "scaling"), "model"));
	min_sizes = model != NULL && strcmp(model, "measured") == 0 ? 1 : 2;
	json_t *fmt = need(p, "", "format", JSON_STRING);
	if (fmt && strcmp(json_string_value(fmt), PROFILE_FORMAT) != 0) {
		fprintf(stderr, "zdvfs-profile: format is not '%s'\n",
			PROFILE_FORMAT);
		nbad++;
	}
	static const char *const top_str[] = {
	    "workload", "board",        "suite",      "kind",
	    "source",   "generated_by", "regenerate", NULL};
	for (const char *const *f = top_str; *f; f++)
		need(p, "", *f, JSON_STRING);
	/* the simulator's parallel style: "parallel_style", or in profiles
	 * written before kinds other than tasks/loops existed, "kind" */
	const char *style =
	    json_string_value(json_object_get(p, "parallel_style"));
	if (style == NULL)
		style = json_string_value(json_object_get(p, "kind"));
	if (style == NULL ||
	    (strcmp(style, "tasks") != 0 && strcmp(style, "loops") != 0)) {
		fprintf(stderr,
			"zdvfs-profile: parallel_style (or an old "
			"profile's kind) is not tasks or loops\n");
		nbad++;
	}
	json_t *meas = need(p, "", "measured", JSON_OBJECT);
	static const char *const meas_f[] = {"date", "host_cpu", "valgrind",
					     "gcc",  "clang",    NULL};
	for (const char *const *f = meas_f; meas && *f; f++)
		need(meas, "measured", *f, JSON_STRING);
	static const char *const base_f[] = {
	    "n",           "instructions",    "data_reads",
	    "data_writes", "footprint_bytes", NULL};
	check_sizes(need(p, "", "sizes", JSON_ARRAY), "sizes", base_f);
	static const char *const base_c[] = {"instructions", "data_reads",
					     "data_writes", "footprint_bytes",
					     NULL};
	check_counters(p, "", base_c);
	json_t *cl = need(p, "", "clusters", JSON_ARRAY);
	static const char *const miss_f[] = {"n", "i1_misses", "d1_misses",
					     "ll_misses", NULL};
	size_t i;
	json_t *c;
	if (cl != NULL)
		json_array_foreach(cl, i, c)
		{
			char w[64];
			snprintf(w, sizeof w, "clusters[%zu]", i);
			need(c, w, "name", JSON_STRING);
			json_t *ca = need(c, w, "caches", JSON_OBJECT);
			if (ca) {
				char w2[96];
				snprintf(w2, sizeof w2, "%s.caches", w);
				need(ca, w2, "board", JSON_OBJECT);
				need(ca, w2, "simulated", JSON_OBJECT);
			}
			char w3[96];
			snprintf(w3, sizeof w3, "%s.sizes", w);
			check_sizes(need(c, w, "sizes", JSON_ARRAY), w3,
				    miss_f);
			static const char *const miss_c[] = {"d1_misses",
							     "ll_misses", NULL};
			check_counters(c, w, miss_c);
		}
	json_t *par = need(p, "", "parallel", JSON_OBJECT);
	json_t *ps = par ? need(par, "parallel", "sizes", JSON_ARRAY) : NULL;
	json_t *e;
	if (ps != NULL)
		json_array_foreach(ps, i, e)
		{
			char w[64];
			snprintf(w, sizeof w, "parallel.sizes[%zu]", i);
			need(e, w, "work_s", JSON_REAL);
			need(e, w, "span_s", JSON_REAL);
			need(e, w, "regions", JSON_REAL);
			need(e, w, "barriers", JSON_OBJECT);
			need(e, w, "sync", JSON_OBJECT);
			need(e, w, "loops", JSON_OBJECT);
			need(e, w, "tasks", JSON_OBJECT);
			need(e, w, "imbalance", JSON_OBJECT);
		}
	json_t *t = need(p, "", "timing", JSON_OBJECT);
	if (t) {
		need(t, "timing", "t1_s", JSON_REAL);
		need(t, "timing", "t2_s", JSON_REAL);
		need(t, "timing", "speedup", JSON_REAL);
	}
	if (board_path != NULL && cl != NULL) {
		struct zd_board *b = load_board(board_path);
		json_t *bn = json_object_get(p, "board");
		if (!json_is_string(bn) ||
		    strcmp(json_string_value(bn), b->name) != 0) {
			fprintf(stderr, "zdvfs-profile: board is not '%s'\n",
				b->name);
			nbad++;
		}
		if ((int)json_array_size(cl) != b->nclusters) {
			fprintf(
			    stderr,
			    "zdvfs-profile: %zu clusters, the board has %d\n",
			    json_array_size(cl), b->nclusters);
			nbad++;
		}
		for (int k = 0;
		     k < b->nclusters && k < (int)json_array_size(cl); k++) {
			json_t *name = json_object_get(
			    json_array_get(cl, (size_t)k), "name");
			if (!json_is_string(name) ||
			    strcmp(json_string_value(name),
				   b->clusters[k].name) != 0) {
				fprintf(
				    stderr,
				    "zdvfs-profile: clusters[%d] is not '%s'\n",
				    k, b->clusters[k].name);
				nbad++;
			}
		}
		zd_board_free(b);
	}
	json_decref(p);
	if (nbad > 0) {
		fprintf(stderr, "zdvfs-profile: %s: %d problem(s)\n", path,
			nbad);
		return 1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(
	    stderr,
	    "usage: zdvfs-profile caches BOARD.json\n"
	    "       zdvfs-profile footprint-cache\n"
	    "       zdvfs-profile write BOARD.json MEASUREMENT_DIR OUT.json\n"
	    "       zdvfs-profile check PROFILE.json [BOARD.json]\n"
	    "       zdvfs-profile regroup BOARD.json PROFILE.json OUT.json\n"
	    "The C half of tools/characterize (docs/profile-format.md).\n");
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "caches") == 0)
		return cmd_caches(argv[2]);
	if (argc == 2 && strcmp(argv[1], "footprint-cache") == 0)
		return cmd_footprint_cache();
	if (argc == 5 && strcmp(argv[1], "write") == 0)
		return cmd_write(argv[2], argv[3], argv[4]);
	if (argc == 5 && strcmp(argv[1], "regroup") == 0)
		return cmd_regroup(argv[2], argv[3], argv[4]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "check") == 0)
		return cmd_check(argv[2], argc == 4 ? argv[3] : NULL);
	usage();
}
