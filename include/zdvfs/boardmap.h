/* boardmap.h - which board description a machine is, and where the
 * description's clusters, thermal zones and energy rails are on it. A
 * cluster is made of the cpufreq policies whose CPUs lie inside it (one
 * policy per cluster on the Jetsons, one per core under intel_pstate, and
 * the RUBIK Pi's prime core has its own), a zone is the thermal zone of the
 * same type, the board's energy is its first rail the machine has. Lets a
 * decision made in the board's terms (cores and level per cluster) be
 * applied to a real machine, and a run measured there be stored in them.
 * The simulator's machine (zd_sim_info) maps one to one. */
#ifndef ZDVFS_BOARDMAP_H
#define ZDVFS_BOARDMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "zdvfs/action.h"
#include "zdvfs/board.h"
#include "zdvfs/err.h"
#include "zdvfs/platform.h"
#include "zdvfs/policy.h"

struct zd_board_map {
	int ndomains;
	int cluster[ZD_MAX_DOMAINS]; /* board cluster of domain d, or -1 */
	int nzones;
	int zone[ZD_MAX_ZONES]; /* machine zone of board zone z, or -1 */
	int energy;             /* machine source of the board's first
				      * rail the machine has, or -1 */
};

/* Map `b` onto the machine `info` describes, as far as it goes. A board
 * with more clusters or zones than zdvfs handles is a usage error. */
int zd_board_map_init(struct zd_board_map *m, const struct zd_board *b,
		      const struct zd_platform_info *info, struct zd_err *err);

/* Whether the machine is this board: the online CPUs are the clusters'
 * CPUs, every cpufreq domain lies in one cluster and every cluster is
 * covered by its domains, each of which has the cluster's lowest level and
 * reaches its top one; a cluster whose top is a turbo entry (acpi-cpufreq)
 * needs domains whose frequency table ends in that very entry. A machine without cpufreq is no board. If not,
 * `why` (may be NULL) says what differs. */
bool zd_board_map_fits(const struct zd_board_map *m, const struct zd_board *b,
		       const struct zd_platform_info *info, char *why,
		       size_t len);

/* The one board description in zd_board_dir(dir) the machine fits. None,
 * or more than one, leaves *out NULL and says so in `why`; only failing to
 * read the descriptions is an error. */
int zd_board_match(const struct zd_platform_info *info, const char *dir,
		   struct zd_board **out, char *why, size_t len,
		   struct zd_err *err);

/* A decision in the board's terms (kHz per cluster) in the machine's: kHz
 * per domain, the domain's level nearest its cluster's; 0 for a domain of
 * no cluster (leave it alone). The CPUs are the same. */
void zd_board_map_decision(const struct zd_board_map *m,
			   const struct zd_platform_info *info,
			   const struct zd_decision *board_dec,
			   struct zd_decision *machine_dec);

/* The other way, for storing a run decided in the machine's terms (a
 * governor's): cores of each cluster among the CPUs, and the level of the
 * cluster nearest the frequency of its first domain in use. False when the
 * result is not an action of the space (e.g. a reserved CPU was used). */
bool zd_board_map_action(const struct zd_board_map *m,
			 const struct zd_action_space *space,
			 const struct zd_platform_info *info,
			 const struct zd_decision *machine_dec,
			 struct zd_action *a);

#endif
