/* meter.c - integrating platform readings over a run. */
#include <string.h>

#include "zdvfs/meter.h"

uint64_t zd_counter_delta(uint64_t prev, uint64_t cur, uint64_t max_uj)
{
	if (cur >= prev)
		return cur - prev;
	/* Wrapped once (a sampling period is far shorter than a wrap). */
	return (max_uj - prev) + cur;
}

static void sample_energy(struct zd_meter *m, struct zd_platform *p, int i,
			  double now_s, bool first)
{
	struct zd_meter_source *s = &m->energy[i];
	struct zd_energy_reading r;
	struct zd_err err = {0};
	if (!first && !s->valid)
		return;
	if (zd_platform_read_energy(p, i, &r, &err) != 0) {
		s->valid = false;
		return;
	}
	if (r.kind == ZD_READING_COUNTER_UJ) {
		if (!first)
			s->energy_uj += (double)zd_counter_delta(
			    s->last_counter, r.counter_uj,
			    p->info.energy[i].max_uj);
		s->last_counter = r.counter_uj;
	} else {
		/* mW x s = mJ = 1000 uJ */
		if (!first)
			s->energy_uj += (s->last_mw + r.power_mw) / 2.0 *
			    (now_s - m->last_s) * 1000.0;
		s->last_mw = r.power_mw;
	}
	s->valid = true;
}

static void sample_zone(struct zd_meter *m, struct zd_platform *p, int i,
			bool first)
{
	struct zd_meter_zone *z = &m->zones[i];
	struct zd_err err = {0};
	int mc;
	if (zd_platform_read_temp(p, i, &mc, &err) != 0)
		return; /* a zone that fails now and then keeps its peak */
	if (first || !z->valid) {
		z->start_mc = mc;
		z->peak_mc = mc;
	}
	if (mc > z->peak_mc)
		z->peak_mc = mc;
	z->last_mc = mc;
	z->valid = true;
}

static void sample_all(struct zd_meter *m, struct zd_platform *p, double now_s,
		       bool first)
{
	for (int i = 0; i < p->info.nenergy; i++)
		sample_energy(m, p, i, now_s, first);
	for (int i = 0; i < p->info.nzones; i++)
		sample_zone(m, p, i, first);
	m->last_s = now_s;
	m->samples++;
}

void zd_meter_start(struct zd_meter *m, struct zd_platform *p, double now_s)
{
	memset(m, 0, sizeof(*m));
	m->start_s = now_s;
	struct zd_err err = {0};
	m->util_valid =
	    zd_platform_read_cpu_times(p, m->cpu_start, ZD_MAX_CPUS, &err) == 0;
	sample_all(m, p, now_s, true);
}

void zd_meter_sample(struct zd_meter *m, struct zd_platform *p, double now_s)
{
	sample_all(m, p, now_s, false);
}

void zd_meter_stop(struct zd_meter *m, struct zd_platform *p, double now_s)
{
	sample_all(m, p, now_s, false);
	if (!m->util_valid)
		return;
	struct zd_cpu_times end[ZD_MAX_CPUS];
	struct zd_err err = {0};
	if (zd_platform_read_cpu_times(p, end, ZD_MAX_CPUS, &err) != 0) {
		m->util_valid = false;
		return;
	}
	zd_cpu_util(m->cpu_start, end, ZD_MAX_CPUS, m->util);
}
