/* perturb.c - perturbed simulated boards for `zdvfs bench --perturb`;
 * perturb.h says why. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "perturb.h"

static int parse_one(const char *item, struct bench_perturb *p,
		     struct zd_err *err)
{
	static const struct {
		const char *name;
		size_t offset;
	} keys[] = {
	    {"leak", offsetof(struct bench_perturb, leak)},
	    {"membw", offsetof(struct bench_perturb, membw)},
	    {"rth", offsetof(struct bench_perturb, rth)},
	    {"speed", offsetof(struct bench_perturb, speed)},
	};
	const char *eq = strchr(item, '=');
	if (!eq)
		return zd_bad_input(err, "--perturb: '%s' is not NAME=+N%%",
				    item);
	char *end = NULL;
	double pct = strtod(eq + 1, &end);
	if (end == eq + 1 || strcmp(end, "%") != 0 ||
	    !(pct >= -90 && pct <= 300))
		return zd_bad_input(err,
				    "--perturb: '%s': the change must be a "
				    "percentage within -90%%..+300%%",
				    item);
	for (size_t k = 0; k < sizeof(keys) / sizeof(*keys); k++)
		if ((size_t)(eq - item) == strlen(keys[k].name) &&
		    strncmp(item, keys[k].name, strlen(keys[k].name)) == 0) {
			*(double *)((char *)p + keys[k].offset) = pct / 100.0;
			return 0;
		}
	return zd_bad_input(err,
			    "--perturb: unknown '%.*s' (leak, membw, rth, "
			    "speed)",
			    (int)(eq - item), item);
}

int bench_perturb_parse(const char *spec, struct bench_perturb *p,
			struct zd_err *err)
{
	memset(p, 0, sizeof(*p));
	if (strcmp(spec, "default") == 0)
		spec = BENCH_PERTURB_DEFAULT;
	char buf[256];
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf) ||
	    !*spec)
		return zd_bad_input(err, "--perturb: bad spec '%s'", spec);
	char *save = NULL;
	int rc = 0;
	for (char *s = strtok_r(buf, ",", &save); s && rc == 0;
	     s = strtok_r(NULL, ",", &save))
		rc = parse_one(s, p, err);
	p->on = rc == 0;
	return rc;
}

void bench_perturb_format(const struct bench_perturb *p, char *buf, size_t len)
{
	snprintf(buf, len,
		 "leak=%+.0f%%,membw=%+.0f%%,rth=%+.0f%%,speed=%+.0f%%",
		 100 * p->leak, 100 * p->membw, 100 * p->rth, 100 * p->speed);
}

void bench_perturb_apply(const struct bench_perturb *p, struct zd_board *b)
{
	if (!p->on)
		return;
	for (int c = 0; c < b->nclusters; c++) {
		struct zd_cluster_desc *cl = &b->clusters[c];
		cl->leak_mw.value *= 1 + p->leak;
		/* a missing speed is the reference core's, 1 */
		cl->speed_rel.value =
		    (cl->speed_rel.present ? cl->speed_rel.value : 1.0) *
		    (1 + p->speed);
		cl->speed_rel.present = true;
	}
	for (int z = 0; z < b->nzones; z++)
		b->zones[z].r_k_per_w.value *= 1 + p->rth;
	b->mem_bandwidth_mbps.value *= 1 + p->membw;
}
