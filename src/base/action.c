/* action.c - the decision space: cores per cluster x level per cluster,
 * numbered mixed-radix with "no core" as digit 0 of each cluster. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/action.h"

/* Digits of cluster c: 0 (idle) or 1 + (cores-1)*nlevels + level. */
static int cluster_radix(const struct zd_action_space *s, int c)
{
	return 1 + s->max_cores[c] * s->nlevels[c];
}

int zd_action_space_init(struct zd_action_space *s, const struct zd_board *b,
			 struct zd_err *err)
{
	memset(s, 0, sizeof(*s));
	if (b->nclusters > ZD_MAX_CLUSTERS)
		return zd_bad_input(err,
				    "%s: %d clusters, zdvfs handles at most %d",
				    b->path, b->nclusters, ZD_MAX_CLUSTERS);
	s->nclusters = b->nclusters;
	long count = 1;
	for (int c = 0; c < b->nclusters; c++) {
		const struct zd_cluster_desc *cl = &b->clusters[c];
		if (cl->nopps > ZD_MAX_LEVELS)
			return zd_bad_input(err,
					    "%s: clusters[%d]: %d operating "
					    "points, zdvfs handles at most %d",
					    b->path, c, cl->nopps,
					    ZD_MAX_LEVELS);
		snprintf(s->names[c], sizeof(s->names[c]), "%s", cl->name);
		for (int cpu = zd_cpuset_next(&cl->cpus, -1); cpu >= 0;
		     cpu = zd_cpuset_next(&cl->cpus, cpu))
			if (!zd_cpuset_has(&b->reserved_cpus, cpu))
				zd_cpuset_add(&s->usable[c], cpu);
		s->max_cores[c] = zd_cpuset_count(&s->usable[c]);
		s->nlevels[c] = cl->nopps;
		for (int l = 0; l < cl->nopps; l++)
			s->khz[c][l] = cl->opps[l].khz;
		count *= cluster_radix(s, c);
	}
	if (count - 1 < 1)
		return zd_bad_input(err, "%s: no usable core", b->path);
	s->count = (int)(count - 1); /* all clusters idle is not an action */
	return 0;
}

void zd_action_at(const struct zd_action_space *s, int index,
		  struct zd_action *a)
{
	memset(a, 0, sizeof(*a));
	int code = index + 1;
	for (int c = 0; c < s->nclusters; c++) {
		int radix = cluster_radix(s, c);
		int digit = code % radix;
		code /= radix;
		if (digit > 0) {
			a->cores[c] = 1 + (digit - 1) / s->nlevels[c];
			a->level[c] = (digit - 1) % s->nlevels[c];
		}
	}
}

int zd_action_index(const struct zd_action_space *s, const struct zd_action *a)
{
	int code = 0, scale = 1;
	for (int c = 0; c < s->nclusters; c++) {
		int n = a->cores[c], l = a->level[c];
		if (n < 0 || n > s->max_cores[c] || l < 0 ||
		    l >= s->nlevels[c] || (n == 0 && l != 0))
			return -1;
		int digit = n == 0 ? 0 : 1 + (n - 1) * s->nlevels[c] + l;
		code += digit * scale;
		scale *= cluster_radix(s, c);
	}
	return code - 1;
}

void zd_action_max(const struct zd_action_space *s, struct zd_action *a)
{
	memset(a, 0, sizeof(*a));
	for (int c = 0; c < s->nclusters; c++) {
		a->cores[c] = s->max_cores[c];
		a->level[c] = s->max_cores[c] ? s->nlevels[c] - 1 : 0;
	}
}

void zd_action_min(const struct zd_action_space *s, struct zd_action *a)
{
	memset(a, 0, sizeof(*a));
	for (int c = 0; c < s->nclusters; c++)
		a->cores[c] = s->max_cores[c];
}

int zd_action_total_cores(const struct zd_action_space *s,
			  const struct zd_action *a)
{
	int n = 0;
	for (int c = 0; c < s->nclusters; c++)
		n += a->cores[c];
	return n;
}

static void take_cpu(struct zd_cpuset *chosen, const struct zd_cpuset *usable,
		     int cpu, int *left)
{
	if (*left > 0 && zd_cpuset_has(usable, cpu) &&
	    !zd_cpuset_has(chosen, cpu)) {
		zd_cpuset_add(chosen, cpu);
		(*left)--;
	}
}

void zd_action_decision(const struct zd_action_space *s,
			const struct zd_action *a, const int *prefer,
			int nprefer, struct zd_decision *d)
{
	memset(d, 0, sizeof(*d));
	for (int c = 0; c < s->nclusters; c++) {
		int left = a->cores[c];
		for (int i = 0; i < nprefer && prefer; i++)
			take_cpu(&d->cpus, &s->usable[c], prefer[i], &left);
		for (int cpu = zd_cpuset_next(&s->usable[c], -1); cpu >= 0;
		     cpu = zd_cpuset_next(&s->usable[c], cpu))
			take_cpu(&d->cpus, &s->usable[c], cpu, &left);
		d->khz[c] = s->khz[c][a->cores[c] ? a->level[c] : 0];
	}
}

int zd_action_format(const struct zd_action_space *s, const struct zd_action *a,
		     char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int c = 0; c < s->nclusters; c++) {
		int n =
		    snprintf(buf + used, len - used, "%s%s=%d@%d", c ? "," : "",
			     s->names[c], a->cores[c], a->level[c]);
		if (n < 0 || (size_t)n >= len - used)
			return -1;
		used += (size_t)n;
	}
	return 0;
}

static int parse_part(const struct zd_action_space *s, const char *text,
		      const char *part, int c, struct zd_action *a,
		      struct zd_err *err)
{
	size_t nlen = strlen(s->names[c]);
	int n, l, end = 0;
	if (strncmp(part, s->names[c], nlen) != 0 || part[nlen] != '=' ||
	    sscanf(part + nlen + 1, "%d@%d%n", &n, &l, &end) != 2 ||
	    part[nlen + 1 + end] != '\0')
		return zd_bad_input(err,
				    "action '%s': '%s' is not %s=CORES@LEVEL",
				    text, part, s->names[c]);
	if (n < 0 || n > s->max_cores[c])
		return zd_bad_input(err,
				    "action '%s': %s has %d usable cores, "
				    "not %d",
				    text, s->names[c], s->max_cores[c], n);
	if (l < 0 || l >= s->nlevels[c] || (n == 0 && l != 0))
		return zd_bad_input(err,
				    "action '%s': %s level %d is not in "
				    "0..%d (0 for an idle cluster)",
				    text, s->names[c], l,
				    n ? s->nlevels[c] - 1 : 0);
	a->cores[c] = n;
	a->level[c] = l;
	return 0;
}

int zd_action_parse(const struct zd_action_space *s, const char *text,
		    struct zd_action *a, struct zd_err *err)
{
	char copy[256];
	if (strlen(text) >= sizeof(copy))
		return zd_bad_input(err, "action '%.40s...' is too long", text);
	memcpy(copy, text, strlen(text) + 1);
	memset(a, 0, sizeof(*a));
	char *save = NULL, *part = strtok_r(copy, ",", &save);
	int c = 0, rc;
	for (; part && c < s->nclusters; part = strtok_r(NULL, ",", &save), c++)
		if ((rc = parse_part(s, text, part, c, a, err)) != 0)
			return rc;
	if (c != s->nclusters || part)
		return zd_bad_input(err,
				    "action '%s': needs one part per cluster "
				    "(%d), like %s=N@L",
				    text, s->nclusters, s->names[0]);
	if (zd_action_total_cores(s, a) == 0)
		return zd_bad_input(
		    err, "action '%s': gives the program no core", text);
	return 0;
}
