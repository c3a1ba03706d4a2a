/* cpuset.c - CPU sets as bitmaps, and their list syntax. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zdvfs/cpuset.h"

void zd_cpuset_zero(struct zd_cpuset *set)
{
	memset(set, 0, sizeof(*set));
}

void zd_cpuset_add(struct zd_cpuset *set, int cpu)
{
	if (cpu >= 0 && cpu < ZD_MAX_CPUS)
		set->bits[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

bool zd_cpuset_has(const struct zd_cpuset *set, int cpu)
{
	if (cpu < 0 || cpu >= ZD_MAX_CPUS)
		return false;
	return (set->bits[cpu / 64] >> (cpu % 64)) & 1;
}

int zd_cpuset_count(const struct zd_cpuset *set)
{
	int n = 0;
	for (size_t i = 0; i < sizeof(set->bits) / sizeof(set->bits[0]); i++)
		n += __builtin_popcountll(set->bits[i]);
	return n;
}

bool zd_cpuset_equal(const struct zd_cpuset *a, const struct zd_cpuset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

void zd_cpuset_and(struct zd_cpuset *dst, const struct zd_cpuset *other)
{
	for (size_t i = 0; i < sizeof(dst->bits) / sizeof(dst->bits[0]); i++)
		dst->bits[i] &= other->bits[i];
}

/* Word by word: the simulator walks its clusters' sets at every time step,
 * and a bit-by-bit scan to the end of 256 CPUs dominated its run time. */
int zd_cpuset_next(const struct zd_cpuset *set, int cpu)
{
	int c = cpu + 1;
	if (c < 0)
		c = 0;
	const int words = (int)(sizeof(set->bits) / sizeof(set->bits[0]));
	for (int w = c / 64; w < words; w++) {
		uint64_t bits = set->bits[w];
		if (w == c / 64)
			bits &= ~UINT64_C(0) << (c % 64);
		if (bits)
			return w * 64 + __builtin_ctzll(bits);
	}
	return -1;
}

int zd_cpuset_first(const struct zd_cpuset *set)
{
	return zd_cpuset_next(set, -1);
}

static int parse_cpu_number(const char **p, int *cpu)
{
	if (!isdigit((unsigned char)**p))
		return -1;
	char *end = NULL;
	errno = 0;
	long v = strtol(*p, &end, 10);
	if (errno != 0 || v < 0 || v >= ZD_MAX_CPUS)
		return -1;
	*cpu = (int)v;
	*p = end;
	return 0;
}

static int is_separator(char c)
{
	return c == ',' || c == ' ' || c == '\n' || c == '\t';
}

int zd_cpuset_parse(struct zd_cpuset *set, const char *text, const char *what,
		    struct zd_err *err)
{
	zd_cpuset_zero(set);
	const char *p = text;
	while (*p != '\0') {
		while (is_separator(*p))
			p++;
		if (*p == '\0')
			break;
		int lo, hi;
		if (parse_cpu_number(&p, &lo) != 0)
			goto bad;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_cpu_number(&p, &hi) != 0 || hi < lo)
				goto bad;
		}
		if (*p != '\0' && !is_separator(*p))
			goto bad;
		for (int c = lo; c <= hi; c++)
			zd_cpuset_add(set, c);
	}
	return 0;
bad:
	return zd_bad_input(
	    err, "%s: '%s' is not a CPU list like 0,2-4 (CPUs 0..%d)", what,
	    text, ZD_MAX_CPUS - 1);
}

int zd_cpuset_format(const struct zd_cpuset *set, char *buf, size_t len)
{
	size_t used = 0;
	int total = 0;
	if (len > 0)
		buf[0] = '\0';
	for (int c = zd_cpuset_first(set); c >= 0;) {
		int end = c;
		while (zd_cpuset_has(set, end + 1))
			end++;
		char item[32];
		int n = end > c
		    ? snprintf(item, sizeof(item), "%s%d-%d", total ? "," : "",
			       c, end)
		    : snprintf(item, sizeof(item), "%s%d", total ? "," : "", c);
		if (used + (size_t)n < len) {
			memcpy(buf + used, item, (size_t)n + 1);
			used += (size_t)n;
		}
		total += n;
		c = zd_cpuset_next(set, end);
	}
	return total;
}
