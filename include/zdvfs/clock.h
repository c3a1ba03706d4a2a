/* clock.h - the monotonic clock (seconds) used for makespans, deadlines and
 * decision timings. */
#ifndef ZDVFS_CLOCK_H
#define ZDVFS_CLOCK_H

double zd_monotonic_s(void);

#endif
