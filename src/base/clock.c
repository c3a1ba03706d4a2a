/* clock.c - the one monotonic clock every layer times things with. */
#include <time.h>

#include "zdvfs/clock.h"

double zd_monotonic_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}
