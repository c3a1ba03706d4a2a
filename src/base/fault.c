/* fault.c - the test builds' fault switches (include/zdvfs/fault.h). */
#include <stdlib.h>

#include "zdvfs/fault.h"

#ifdef ZDVFS_FAULT_HOOKS
static const char *const names[ZD_FAULT_NPOINTS] = {
    [ZD_FAULT_SYSFS_WRITE] = "ZDVFS_FAULT_SYSFS_WRITE",
    [ZD_FAULT_STATE_SAVE] = "ZDVFS_FAULT_STATE_SAVE",
    [ZD_FAULT_SIGINT_AFTER] = "ZDVFS_FAULT_SIGINT_AFTER",
};

static long parse(enum zd_fault_point point, bool *from_on)
{
	const char *v = getenv(names[point]);
	char *end = NULL;
	long n = v ? strtol(v, &end, 10) : 0;
	if (v == NULL || end == v || n <= 0)
		return 0;
	*from_on = *end == '+';
	return n;
}

long zd_fault_arg(enum zd_fault_point point)
{
	bool from_on = false;
	return point < ZD_FAULT_NPOINTS ? parse(point, &from_on) : 0;
}

static long passes[ZD_FAULT_NPOINTS];

void zd_fault_reset(void)
{
	for (int i = 0; i < ZD_FAULT_NPOINTS; i++)
		passes[i] = 0;
}

bool zd_fault_hit(enum zd_fault_point point)
{
	if (point >= ZD_FAULT_NPOINTS)
		return false;
	bool from_on = false;
	long n = parse(point, &from_on);
	long pass = ++passes[point];
	return n > 0 && (pass == n || (from_on && pass > n));
}
#else
void zd_fault_reset(void)
{
}

long zd_fault_arg(enum zd_fault_point point)
{
	(void)point;
	return 0;
}

bool zd_fault_hit(enum zd_fault_point point)
{
	(void)point;
	return false;
}
#endif
