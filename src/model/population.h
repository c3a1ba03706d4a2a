/* population.h - how the programs a model learnt from respond, on average,
 * to each decision of a board: ln(makespan) and ln(power) relative to all
 * cores at the top level, averaged over programs. It is what the engine
 * assumes of a new program's response before that program's own runs say
 * otherwise (docs/model.md, "The population response"). */
#ifndef ZDVFS_MODEL_POPULATION_H
#define ZDVFS_MODEL_POPULATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dataset.h"

/* Values are kept as int16 in units of 1/ZD_POP_UNIT (ln): ±32 in ln is
 * far beyond any decision's response, 1/1024 far below a run's noise. */
#define ZD_POP_UNIT 1024.0

struct zd_pop_board {
	char name[48];
	uint32_t count;       /* decisions of the board's space */
	uint32_t programs;    /* programs averaged */
	uint32_t measured;    /* decisions measured by at least half of them */
	const int16_t *t, *p; /* [count] each; the rest interpolated */
};

struct zd_population {
	int nboards;
	struct zd_pop_board *boards;
	int16_t *owned; /* the values when fitted, NULL when mapped */
};

/* The population response of every board the filter allows that has
 * runs of at least 3 programs with their all-cores-top run; a board
 * without gets none (*out may then hold no board at all). */
int zd_population_fit(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		      struct zd_population **out, struct zd_err *err);
void zd_population_free(struct zd_population *pop);

/* The board named `name` with `count` decisions, or NULL. */
const struct zd_pop_board *zd_population_board(const struct zd_population *pop,
					       const char *name, int count);

/* The binary section of the model file: its size, writing it into buf
 * (size bytes, 8-aligned) and reading it back from a mapped file (values
 * stay in the mapping; every count and offset is checked). */
size_t zd_population_bytes(const struct zd_population *pop);
void zd_population_write(const struct zd_population *pop, unsigned char *buf);
int zd_population_read(const unsigned char *buf, size_t size, const char *what,
		       struct zd_population **out, struct zd_err *err);

/* The JSON form (`zdvfs model convert --json`): an array of
 * {"board", "programs", "measured", "t": [int16...], "p": [...]}. Reading
 * checks every field and value, naming its path in `what`. */
json_t *zd_population_to_json(const struct zd_population *pop);
int zd_population_from_json(const json_t *j, const char *what,
			    struct zd_population **out, struct zd_err *err);

#endif
