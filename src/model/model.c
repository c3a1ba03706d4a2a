/* model.c - the environment model: fit, save, load, predict. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model/model_json.h"
#include "model/gbt_json.h"
#include "fit.h"
#include "zdvfs/sim.h"
#include "base/jsonfile.h"
#include "base/jsonread.h"
#include "zdvfs/paths.h"

static const char *const part_names[ZD_NPARTS] = {
    "time", "power", "peak", "final", "scale",
};

const char *zd_model_part_name(int part)
{
	return part >= 0 && part < ZD_NPARTS ? part_names[part] : NULL;
}

static int part_ncols(int part)
{
	switch (part) {
	case ZD_PART_TIME:
	case ZD_PART_POWER: return ZD_NCOLS_RUN;
	case ZD_PART_PEAK:
	case ZD_PART_FINAL: return ZD_NCOLS_THERMAL;
	default: return ZD_NCOLS_SCALE;
	}
}

/* A growing row-major matrix with its targets. */
struct matrix {
	float *x, *y;
	size_t rows, cap;
	int ncols;
};

static float *matrix_row(struct matrix *m, float y, struct zd_err *err)
{
	if (m->rows == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		float *x = realloc(m->x, cap * (size_t)m->ncols * sizeof(*x));
		if (!x)
			return zd_fail(err, ENOMEM, "out of memory"), NULL;
		m->x = x;
		float *yy = realloc(m->y, cap * sizeof(*yy));
		if (!yy)
			return zd_fail(err, ENOMEM, "out of memory"), NULL;
		m->y = yy;
		m->cap = cap;
	}
	m->y[m->rows] = y;
	return m->x + m->rows++ * (size_t)m->ncols;
}

static void run_row(const struct zd_dataset *ds, const struct zd_ds_sample *s,
		    float *row)
{
	const struct zd_board_prior *bp = &ds->boards[s->board].prior;
	double start[ZD_MAX_ZONES];
	for (int z = 0; z < s->nzones; z++)
		start[z] = s->start_c[z];
	memcpy(row, ds->programs[s->program].row,
	       sizeof(float) * ZD_NCOLS_PROGRAM);
	zd_encode_board(bp, row);
	zd_encode_start(bp, start, row);
	zd_encode_action(bp, &s->action, row);
}

static int add_sample_rows(const struct zd_dataset *ds,
			   const struct zd_ds_sample *s, struct matrix *m,
			   struct zd_err *err)
{
	const struct zd_board_prior *bp = &ds->boards[s->board].prior;
	float *row;
	if (s->ref_s > 0) {
		if (!(row = matrix_row(&m[ZD_PART_TIME],
				       (float)log(s->makespan_s / s->ref_s),
				       err)))
			return err->code;
		run_row(ds, s, row);
	}
	if (!(row = matrix_row(&m[ZD_PART_POWER],
			       (float)log(s->avg_power_w / bp->tdp_w), err)))
		return err->code;
	run_row(ds, s, row);
	for (int z = 0; z < s->nzones; z++) {
		if (!bp->zone_modelled[z])
			continue;
		for (int part = ZD_PART_PEAK; part <= ZD_PART_FINAL; part++) {
			double t =
			    part == ZD_PART_PEAK ? s->peak_c[z] : s->final_c[z];
			if (!(row = matrix_row(
				  &m[part], (float)zd_encode_temp_rel(bp, z, t),
				  err)))
				return err->code;
			run_row(ds, s, row);
			zd_encode_zone(bp, z, &s->action, s->start_c[z],
				       s->makespan_s, row);
		}
	}
	return 0;
}

/* One scale row per (program, board) that has a reference. */
static int add_scale_rows(const struct zd_dataset *ds,
			  const struct zd_ds_filter *f, struct matrix *m,
			  struct zd_err *err)
{
	size_t n = (size_t)ds->nprograms * (size_t)ds->nboards;
	unsigned char *seen = calloc(n ? n : 1, 1);
	if (!seen)
		return zd_fail(err, ENOMEM, "out of memory");
	int rc = 0;
	for (long i = 0; i < ds->nsamples && rc == 0; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		size_t k =
		    (size_t)s->program * (size_t)ds->nboards + (size_t)s->board;
		if (!zd_ds_sample_ok(ds, f, s) || s->ref_s <= 0 || seen[k])
			continue;
		seen[k] = 1;
		float *row = matrix_row(m, (float)log(s->ref_s), err);
		if (!row) {
			rc = err->code;
			break;
		}
		memcpy(row, ds->programs[s->program].row,
		       sizeof(float) * ZD_NCOLS_PROGRAM);
		zd_encode_board(&ds->boards[s->board].prior, row);
	}
	free(seen);
	return rc;
}

static void default_params(int part, const struct zd_model_train_opts *o,
			   struct zd_gbt_params *p)
{
	memset(p, 0, sizeof(*p));
	p->trees = o->trees ? o->trees : 100;
	p->max_depth = o->max_depth ? o->max_depth : 6;
	p->eta = 0.1;
	p->subsample = 0.8;
	p->threads = o->threads;
	p->seed = o->seed;
	if (part == ZD_PART_SCALE) {
		/* a few hundred rows at most: shallow, or it memorises */
		p->max_depth = 3;
		p->trees = 60;
		p->subsample = 1.0;
	}
}

static json_t *training_info(const struct zd_dataset *ds,
			     const struct zd_ds_filter *f, const size_t *rows)
{
	json_t *info = json_object(), *progs = json_array(),
	       *boards = json_array();
	bool *pseen = calloc((size_t)ds->nprograms + 1, sizeof(*pseen));
	bool *bseen = calloc((size_t)ds->nboards + 1, sizeof(*bseen));
	long runs = 0;
	for (long i = 0; pseen && bseen && i < ds->nsamples; i++) {
		const struct zd_ds_sample *s = &ds->samples[i];
		if (!zd_ds_sample_ok(ds, f, s))
			continue;
		runs++;
		pseen[s->program] = bseen[s->board] = true;
	}
	for (int p = 0; pseen && p < ds->nprograms; p++)
		if (pseen[p])
			json_array_append_new(
			    progs, json_string(ds->programs[p].name));
	for (int b = 0; bseen && b < ds->nboards; b++)
		if (bseen[b])
			json_array_append_new(boards,
					      json_string(ds->boards[b].name));
	free(pseen);
	free(bseen);
	json_object_set_new(info, "programs", progs);
	json_object_set_new(info, "boards", boards);
	json_object_set_new(info, "runs", json_integer(runs));
	json_t *jr = json_object();
	for (int part = 0; part < ZD_NPARTS; part++)
		json_object_set_new(jr, part_names[part],
				    json_integer((json_int_t)rows[part]));
	json_object_set_new(info, "rows", jr);
	json_object_set_new(info, "created",
			    json_integer((json_int_t)time(NULL)));
	return info;
}

/* What `model info` says of the population response: per board the
 * programs averaged and the decisions they measured. */
static json_t *population_info(const struct zd_population *pop)
{
	json_t *j = json_object();
	for (int b = 0; pop && b < pop->nboards; b++) {
		const struct zd_pop_board *pb = &pop->boards[b];
		json_object_set_new(j, pb->name,
				    json_pack("{s:i,s:i,s:i}", "programs",
					      (int)pb->programs, "decisions",
					      (int)pb->count, "measured",
					      (int)pb->measured));
	}
	return j;
}

int zd_model_fit(const struct zd_dataset *ds, const struct zd_ds_filter *f,
		 const struct zd_model_train_opts *o, struct zd_model **out,
		 struct zd_err *err)
{
	struct matrix m[ZD_NPARTS];
	memset(m, 0, sizeof(m));
	for (int part = 0; part < ZD_NPARTS; part++)
		m[part].ncols = part_ncols(part);
	struct zd_model *model = calloc(1, sizeof(*model));
	int rc = model ? 0 : zd_fail(err, ENOMEM, "out of memory");
	for (long i = 0; rc == 0 && i < ds->nsamples; i++)
		if (zd_ds_sample_ok(ds, f, &ds->samples[i]))
			rc = add_sample_rows(ds, &ds->samples[i], m, err);
	if (rc == 0)
		rc = add_scale_rows(ds, f, &m[ZD_PART_SCALE], err);
	for (int part = 0; rc == 0 && part < ZD_NPARTS; part++) {
		if (m[part].rows < 2) {
			rc = zd_bad_input(
			    err,
			    "too few runs to learn %s from (%zu); "
			    "profile more programs or boards "
			    "(every program needs its run with all "
			    "cores at the top level)",
			    part_names[part], m[part].rows);
			break;
		}
		struct zd_gbt_params p;
		default_params(part, o, &p);
		rc = zd_gbt_train(m[part].x, m[part].y, m[part].rows,
				  m[part].ncols, &p, &model->part[part], err);
	}
	size_t rows[ZD_NPARTS];
	for (int part = 0; part < ZD_NPARTS; part++) {
		rows[part] = m[part].rows;
		free(m[part].x);
		free(m[part].y);
	}
	if (rc == 0)
		rc = zd_population_fit(ds, f, &model->pop, err);
	if (rc != 0) {
		zd_model_free(model);
		return rc;
	}
	model->info = training_info(ds, f, rows);
	json_object_set_new(model->info, "population",
			    population_info(model->pop));
	*out = model;
	return 0;
}

int zd_model_train(struct zd_store *s, const struct zd_model_train_opts *o,
		   struct zd_model **out, struct zd_err *err)
{
	struct zd_dataset *ds = NULL;
	int rc = zd_dataset_load(s, o, &ds, err);
	if (rc != 0)
		return rc;
	struct zd_ds_filter all = {0};
	rc = zd_model_fit(ds, &all, o, out, err);
	zd_dataset_free(ds);
	return rc;
}

void zd_model_free(struct zd_model *m)
{
	if (!m)
		return;
	for (int part = 0; part < ZD_NPARTS; part++)
		zd_gbt_free(m->part[part]);
	zd_population_free(m->pop);
	json_decref(m->info);
	if (m->map)
		munmap(m->map, m->map_bytes);
	free(m);
}

/* ---- file ---------------------------------------------------------- */

/* The JSON model's own version: its layout is unchanged since zdvfs 0.1. */
#define JSON_FORMAT_VERSION 1

static json_t *column_names(void)
{
	json_t *cols = json_array();
	for (int i = 0; i < ZD_NCOLS_THERMAL; i++)
		json_array_append_new(cols,
				      json_string(zd_encode_column_name(i)));
	return cols;
}

int zd_model_save_json(const struct zd_model *m, const char *path,
		       struct zd_err *err)
{
	json_t *root = json_object(), *parts = json_object();
	json_object_set_new(root, "format", json_string("zdvfs-model"));
	json_object_set_new(root, "version", json_integer(JSON_FORMAT_VERSION));
	json_object_set_new(root, "zdvfs", json_string(ZDVFS_VERSION));
	json_object_set_new(root, "columns", column_names());
	json_object_set(root, "trained_on", m->info);
	for (int part = 0; part < ZD_NPARTS; part++)
		json_object_set_new(parts, part_names[part],
				    zd_gbt_to_json(m->part[part]));
	json_object_set_new(root, "models", parts);
	if (m->pop)
		json_object_set_new(root, "population",
				    zd_population_to_json(m->pop));
	int rc = zd_json_write_file(root, path, JSON_COMPACT, "the model", err);
	json_decref(root);
	return rc;
}

static int check_header(const json_t *root, const char *path,
			struct zd_err *err)
{
	const char *format = json_string_value(json_object_get(root, "format"));
	json_t *version = json_object_get(root, "version");
	if (!json_is_object(root) || !format ||
	    strcmp(format, "zdvfs-model") != 0)
		return zd_bad_input(err,
				    "%s: not a zdvfs model (no \"format\": "
				    "\"zdvfs-model\")",
				    path);
	if (!json_is_integer(version))
		return zd_bad_input(
		    err, "%s: version: missing or not an integer", path);
	if (json_integer_value(version) > JSON_FORMAT_VERSION)
		return zd_bad_input(err,
				    "%s: written by a newer zdvfs (model "
				    "format %lld, this one reads up to %d)",
				    path,
				    (long long)json_integer_value(version),
				    JSON_FORMAT_VERSION);
	json_t *cols = json_object_get(root, "columns");
	if (!json_is_array(cols) || json_array_size(cols) != ZD_NCOLS_THERMAL)
		return zd_bad_input(err,
				    "%s: columns: expected %d input names; "
				    "the model was made with another encoding, "
				    "retrain it",
				    path, ZD_NCOLS_THERMAL);
	for (int i = 0; i < ZD_NCOLS_THERMAL; i++) {
		const char *name =
		    json_string_value(json_array_get(cols, (size_t)i));
		if (!name || strcmp(name, zd_encode_column_name(i)) != 0)
			return zd_bad_input(err,
					    "%s: columns[%d]: '%s' where this "
					    "zdvfs has '%s'; retrain the model",
					    path, i, name ? name : "?",
					    zd_encode_column_name(i));
	}
	if (!json_is_object(json_object_get(root, "trained_on")))
		return zd_bad_input(err, "%s: trained_on: missing", path);
	return 0;
}

/* The JSON model of zdvfs up to 0.1 (format version 1). */
static int load_json(const char *path, struct zd_model **out,
		     struct zd_err *err)
{
	if (access(path, R_OK) != 0)
		return zd_bad_input(err,
				    "%s: cannot read the model: %s "
				    "(train one: zdvfs model train)",
				    path, strerror(errno));
	json_t *root = NULL;
	struct zd_err jerr = {0};
	int rc = zd_jr_load(path, ZD_JR_LARGE_MAX, 0, &root, &jerr);
	if (rc != 0)
		return zd_err_set(err, -jerr.code, jerr.exit,
				  "%s (not a zdvfs model: truncated or not "
				  "JSON)",
				  jerr.msg);
	rc = check_header(root, path, err);
	struct zd_model *m = rc == 0 ? calloc(1, sizeof(*m)) : NULL;
	if (rc == 0 && !m)
		rc = zd_fail(err, ENOMEM, "out of memory");
	struct zd_jr v = {.what = path, .err = err};
	json_t *parts = NULL;
	if (rc == 0)
		rc = zd_jr_object(&v, root, "", "models", &parts);
	for (int part = 0; rc == 0 && part < ZD_NPARTS; part++) {
		char what[4200];
		snprintf(what, sizeof(what), "%s: models.%s", path,
			 part_names[part]);
		json_t *j = NULL;
		rc = zd_jr_object(&v, parts, "models", part_names[part], &j);
		if (rc != 0)
			break;
		rc = zd_gbt_from_json(j, what, &m->part[part], err);
		if (rc == 0 && zd_gbt_ncols(m->part[part]) > part_ncols(part))
			rc = zd_bad_input(
			    err, "%s: uses %d inputs, expected %d", what,
			    zd_gbt_ncols(m->part[part]), part_ncols(part));
	}
	if (rc == 0)
		m->info = json_incref(json_object_get(root, "trained_on"));
	/* absent from the JSON of zdvfs 0.1 */
	json_t *pop = json_object_get(root, "population");
	if (rc == 0 && pop)
		rc = zd_population_from_json(pop, path, &m->pop, err);
	json_decref(root);
	if (rc != 0) {
		zd_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

/* ---- the binary file --------------------------------------------------
 *
 * What `zdvfs model train` writes and every command loads: a header, a
 * table of the five regressors, each regressor's trees and nodes exactly
 * as zdvfs walks them (zd_gbt_flat), the population response
 * (population.h), and the training summary as JSON text. Little-endian, sections 16-byte aligned, so the file is mapped and
 * used in place; a checksum over everything after it catches a damaged
 * copy, and every index is checked before use (zd_gbt_from_flat). */

#define BIN_MAGIC "ZDVFSMDL"
#define BIN_VERSION ZD_MODEL_FORMAT_VERSION
#define BIN_CHECKED_FROM 32 /* the checksum covers bytes from here on */

struct bin_header {
	char magic[8];
	uint32_t version;
	uint32_t header_bytes; /* this header and the part table */
	uint64_t file_bytes;
	uint64_t checksum;
	uint32_t nparts;
	uint32_t ncols;        /* columns of the thermal layout */
	uint64_t columns_hash; /* of their names: the encoding */
	uint64_t info_offset, info_bytes;
	uint64_t pop_offset, pop_bytes;
};

struct bin_part {
	uint32_t ncols, ntrees, nnodes;
	float base;
	uint64_t trees_offset, nodes_offset;
};

_Static_assert(sizeof(struct bin_header) == 80, "header layout");
_Static_assert(sizeof(struct bin_part) == 32, "part layout");
_Static_assert(offsetof(struct bin_header, nparts) == BIN_CHECKED_FROM,
	       "checksum coverage");

static bool host_little_endian(void)
{
	const uint16_t one = 1;
	return *(const unsigned char *)&one == 1;
}

/* 64-bit words, each step a bijection of the running value, so changing
 * any one word always changes the sum. len is a multiple of 8. */
static uint64_t checksum(const unsigned char *p, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	return h;
}

static uint64_t columns_hash(void)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (int i = 0; i < ZD_NCOLS_THERMAL; i++) {
		const char *s = zd_encode_column_name(i);
		for (size_t k = 0; k <= strlen(s); k++)
			h = (h ^ (unsigned char)s[k]) * 0x100000001b3ull;
	}
	return h;
}

static size_t align16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static int write_all(const char *path, const unsigned char *buf, size_t len,
		     struct zd_err *err)
{
	char tmp[PATH_MAX + 32];
	/* the pid keeps two writers (bench workers) off each other's file */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
			     (long)getpid()) >= sizeof(tmp))
		return zd_fail(err, ENAMETOOLONG, "%s: path too long", path);
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return zd_fail(err, errno, "%s: cannot write the model: %s",
			       tmp, strerror(errno));
	int rc = 0;
	if (fwrite(buf, 1, len, f) != len)
		rc = zd_fail(err, errno ? errno : EIO,
			     "%s: cannot write the "
			     "model: %s",
			     tmp, strerror(errno));
	if (fclose(f) != 0 && rc == 0)
		rc = zd_fail(err, errno, "%s: cannot write the model: %s", tmp,
			     strerror(errno));
	if (rc == 0 && rename(tmp, path) != 0)
		rc = zd_fail(err, errno, "%s: cannot write the model: %s", path,
			     strerror(errno));
	if (rc != 0)
		unlink(tmp);
	return rc;
}

int zd_model_save(const struct zd_model *m, const char *path,
		  struct zd_err *err)
{
	if (!host_little_endian())
		return zd_fail(err, ENOTSUP,
			       "%s: model files are little-endian; "
			       "this host is not",
			       path);
	char *info = json_dumps(m->info, JSON_COMPACT);
	if (!info)
		return zd_fail(err, ENOMEM, "out of memory");
	struct zd_gbt_flat flat[ZD_NPARTS];
	size_t at = align16(sizeof(struct bin_header) +
			    ZD_NPARTS * sizeof(struct bin_part));
	struct bin_part parts[ZD_NPARTS];
	for (int p = 0; p < ZD_NPARTS; p++) {
		zd_gbt_flat_view(m->part[p], &flat[p]);
		parts[p] = (struct bin_part){
		    .ncols = (uint32_t)flat[p].ncols,
		    .ntrees = (uint32_t)flat[p].ntrees,
		    .nnodes = (uint32_t)flat[p].nnodes,
		    .base = flat[p].base,
		    .trees_offset = at,
		};
		at = align16(at + flat[p].ntrees * (size_t)ZD_GBT_TREE_BYTES);
		parts[p].nodes_offset = at;
		at = align16(at + flat[p].nnodes * ZD_GBT_NODE_BYTES);
	}
	size_t pop_at = at, pop_len = zd_population_bytes(m->pop);
	at = align16(at + pop_len);
	size_t info_len = strlen(info);
	struct bin_header h = {
	    .version = BIN_VERSION,
	    .header_bytes = sizeof(h) + sizeof(parts),
	    .nparts = ZD_NPARTS,
	    .ncols = ZD_NCOLS_THERMAL,
	    .columns_hash = columns_hash(),
	    .info_offset = at,
	    .info_bytes = info_len,
	    .pop_offset = pop_at,
	    .pop_bytes = pop_len,
	};
	memcpy(h.magic, BIN_MAGIC, 8);
	h.file_bytes = (at + info_len + 7) & ~(size_t)7;
	unsigned char *buf = calloc(1, h.file_bytes);
	if (!buf) {
		free(info);
		return zd_fail(err, ENOMEM, "out of memory");
	}
	memcpy(buf + sizeof(h), parts, sizeof(parts));
	for (int p = 0; p < ZD_NPARTS; p++) {
		if (flat[p].ntrees > 0)
			memcpy(buf + parts[p].trees_offset, flat[p].trees,
			       flat[p].ntrees * (size_t)ZD_GBT_TREE_BYTES);
		if (flat[p].nnodes > 0)
			memcpy(buf + parts[p].nodes_offset, flat[p].nodes,
			       flat[p].nnodes * ZD_GBT_NODE_BYTES);
	}
	zd_population_write(m->pop, buf + pop_at);
	memcpy(buf + at, info, info_len);
	free(info);
	memcpy(buf, &h, sizeof(h));
	h.checksum =
	    checksum(buf + BIN_CHECKED_FROM, h.file_bytes - BIN_CHECKED_FROM);
	memcpy(buf, &h, sizeof(h));
	int rc = write_all(path, buf, h.file_bytes, err);
	free(buf);
	return rc;
}

/* offset + len lies inside a file of `size` bytes */
static bool inside(uint64_t offset, uint64_t len, uint64_t size)
{
	return offset <= size && len <= size - offset;
}

static int check_bin_header(const struct bin_header *h, size_t size,
			    const unsigned char *base, const char *path,
			    struct zd_err *err)
{
	if (h->version != BIN_VERSION)
		return zd_bad_input(err,
				    "%s: model format %u; this zdvfs reads "
				    "%d (%s)",
				    path, h->version, BIN_VERSION,
				    h->version > BIN_VERSION
					? "written by a newer zdvfs"
					: "retrain it: zdvfs model train");
	if (h->file_bytes != size)
		return zd_bad_input(err,
				    "%s: truncated or extended: %zu bytes, "
				    "the header says %llu",
				    path, size,
				    (unsigned long long)h->file_bytes);
	if (size % 8 != 0 || h->nparts != ZD_NPARTS ||
	    h->header_bytes != sizeof(*h) + ZD_NPARTS * sizeof(struct bin_part))
		return zd_bad_input(err,
				    "%s: damaged header (%u parts, %u "
				    "header bytes)",
				    path, h->nparts, h->header_bytes);
	if (checksum(base + BIN_CHECKED_FROM, size - BIN_CHECKED_FROM) !=
	    h->checksum)
		return zd_bad_input(err,
				    "%s: damaged: the checksum does not "
				    "match the content",
				    path);
	if (h->ncols != ZD_NCOLS_THERMAL || h->columns_hash != columns_hash())
		return zd_bad_input(err,
				    "%s: made with another encoding of the "
				    "inputs (%u columns); retrain the model",
				    path, h->ncols);
	if (!inside(h->pop_offset, h->pop_bytes, size) ||
	    h->pop_offset % 16 != 0)
		return zd_bad_input(err,
				    "%s: the population response lies "
				    "outside the file",
				    path);
	if (!inside(h->info_offset, h->info_bytes, size))
		return zd_bad_input(err,
				    "%s: the training summary lies outside "
				    "the file",
				    path);
	return 0;
}

static int load_part(struct zd_model *m, int p, const struct bin_part *bp,
		     const unsigned char *base, size_t size, const char *path,
		     struct zd_err *err)
{
	char what[4200];
	snprintf(what, sizeof(what), "%s: models.%s", path, part_names[p]);
	if (bp->ncols < 1 || bp->ncols > (uint32_t)part_ncols(p))
		return zd_bad_input(err, "%s: uses %u inputs, expected %d",
				    what, bp->ncols, part_ncols(p));
	if (bp->nnodes > INT32_MAX || bp->ntrees > INT32_MAX ||
	    bp->trees_offset % 16 != 0 || bp->nodes_offset % 16 != 0 ||
	    !inside(bp->trees_offset, (uint64_t)bp->ntrees * ZD_GBT_TREE_BYTES,
		    size) ||
	    !inside(bp->nodes_offset, (uint64_t)bp->nnodes * ZD_GBT_NODE_BYTES,
		    size))
		return zd_bad_input(err,
				    "%s: %u trees, %u nodes at offsets %llu "
				    "and %llu do not fit in the file's %zu "
				    "bytes",
				    what, bp->ntrees, bp->nnodes,
				    (unsigned long long)bp->trees_offset,
				    (unsigned long long)bp->nodes_offset, size);
	struct zd_gbt_flat f = {
	    .ncols = (int)bp->ncols,
	    .ntrees = (int)bp->ntrees,
	    .nnodes = bp->nnodes,
	    .base = bp->base,
	    .trees = base + bp->trees_offset,
	    .nodes = base + bp->nodes_offset,
	};
	return zd_gbt_from_flat(&f, what, &m->part[p], err);
}

static int load_bin(const char *path, int fd, size_t size,
		    struct zd_model **out, struct zd_err *err)
{
	if (!host_little_endian())
		return zd_fail(err, ENOTSUP,
			       "%s: model files are little-endian; "
			       "this host is not",
			       path);
	if (size < sizeof(struct bin_header))
		return zd_bad_input(err,
				    "%s: truncated: %zu bytes, a model "
				    "file has at least %zu",
				    path, size, sizeof(struct bin_header));
	void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED)
		return zd_fail(err, errno, "%s: cannot map the model: %s", path,
			       strerror(errno));
	const unsigned char *base = map;
	struct bin_header h;
	memcpy(&h, base, sizeof(h));
	struct zd_model *m = NULL;
	int rc = check_bin_header(&h, size, base, path, err);
	if (rc == 0 && !(m = calloc(1, sizeof(*m))))
		rc = zd_fail(err, ENOMEM, "out of memory");
	if (m) {
		m->map = map;
		m->map_bytes = size;
	} else {
		munmap(map, size);
	}
	for (int p = 0; rc == 0 && p < ZD_NPARTS; p++) {
		struct bin_part bp;
		memcpy(&bp, base + sizeof(h) + (size_t)p * sizeof(bp),
		       sizeof(bp));
		rc = load_part(m, p, &bp, base, size, path, err);
	}
	if (rc == 0) {
		char what[4200];
		snprintf(what, sizeof(what), "%s: the population response",
			 path);
		rc = zd_population_read(base + h.pop_offset, h.pop_bytes, what,
					&m->pop, err);
	}
	if (rc == 0) {
		char what[4200];
		snprintf(what, sizeof(what), "%s: the training summary", path);
		rc = zd_jr_parse((const char *)base + h.info_offset,
				 h.info_bytes, what, 0, &m->info, err);
		if (rc == 0 && !json_is_object(m->info))
			rc = zd_bad_input(err,
					  "%s: the training summary is not "
					  "a JSON object",
					  path);
	}
	if (rc != 0) {
		zd_model_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

int zd_model_load(const char *path, struct zd_model **out, struct zd_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return zd_bad_input(err,
				    "%s: cannot read the model: %s (train "
				    "one: zdvfs model train)",
				    path, strerror(errno));
	struct stat st;
	char head[8] = {0};
	ssize_t got = 0;
	int rc = 0;
	if (fstat(fd, &st) != 0)
		rc = zd_fail(err, errno, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		rc = zd_bad_input(err, "%s: not a regular file", path);
	else if ((got = pread(fd, head, sizeof(head), 0)) < 0)
		rc = zd_fail(err, errno, "%s: %s", path, strerror(errno));
	if (rc == 0 && got == (ssize_t)sizeof(head) &&
	    memcmp(head, BIN_MAGIC, 8) == 0)
		rc = load_bin(path, fd, (size_t)st.st_size, out, err);
	else if (rc == 0 && got > 0 && head[0] == '{')
		rc = load_json(path, out, err);
	else if (rc == 0)
		rc = zd_bad_input(err, "%s: not a zdvfs model (%s)", path,
				  got == 0 ? "empty" : "no ZDVFSMDL header");
	close(fd);
	return rc;
}

int zd_model_default_path(char *buf, size_t len, struct zd_err *err)
{
	char db[4096];
	int rc = zd_store_default_path(db, sizeof(db), err);
	if (rc != 0)
		return rc;
	char *slash = strrchr(db, '/');
	if (slash)
		*slash = '\0';
	snprintf(buf, len, "%s/model.bin", slash ? db : ".");
	return 0;
}

/* The user's model: model.bin, or the model.json an earlier zdvfs wrote. */
static int find_user_model(char *buf, size_t len, struct zd_err *err)
{
	int rc = zd_model_default_path(buf, len, err);
	if (rc != 0 || access(buf, F_OK) == 0)
		return rc;
	char *slash = strrchr(buf, '/');
	char legacy[4200];
	snprintf(legacy, sizeof(legacy), "%.*s/model.json",
		 slash ? (int)(slash - buf) : 1, slash ? buf : ".");
	if (access(legacy, F_OK) == 0)
		snprintf(buf, len, "%s", legacy);
	return 0;
}

int zd_model_find_path(const char *given, char *buf, size_t len,
		       struct zd_err *err)
{
	if (given != NULL) {
		snprintf(buf, len, "%s", given);
		return 0;
	}
	int rc = find_user_model(buf, len, err);
	if (rc != 0 || access(buf, F_OK) == 0)
		return rc;
	char shipped[4096];
	snprintf(shipped, sizeof(shipped), "%s/default.model",
		 zd_data_dir(ZD_DATA_MODELS));
	if (access(shipped, R_OK) == 0)
		snprintf(buf, len, "%s", shipped);
	return 0;
}

const json_t *zd_model_info(const struct zd_model *m)
{
	return m->info;
}

/* ---- prediction ------------------------------------------------------ */

struct zd_model_query {
	const struct zd_model *model;
	struct zd_board_prior prior;
	float fixed[ZD_NCOLS_THERMAL]; /* program, board, start columns */
	double start_c[ZD_MAX_ZONES];
	double ref_s;
	const struct zd_pop_board *pop; /* NULL: none for this board */
	struct zd_gbt *time, *power;
	struct zd_gbt *peak[ZD_MAX_ZONES], *final[ZD_MAX_ZONES];
	/* the same prepared to predict every decision at once, at the first
	 * zd_model_predict_all (the agents never ask for it) */
	struct query_bulk *bulk;
};

struct query_bulk {
	bool tried, tried_zones; /* time and power; the zones' */
	int rc, rc_zones;
	struct zd_gbt_bulk *time, *power;
	struct zd_gbt_bulk *peak[ZD_MAX_ZONES], *final[ZD_MAX_ZONES];
};

static int specialise(const struct zd_gbt *g, const float *fixed, int nfixed,
		      const int *extra, int nextra, struct zd_gbt **out,
		      struct zd_err *err)
{
	unsigned char mask[ZD_NCOLS_THERMAL] = {0};
	for (int i = 0; i < nfixed; i++)
		mask[i] = 1;
	for (int i = 0; i < nextra; i++)
		mask[extra[i]] = 1;
	return zd_gbt_specialize(g, fixed, mask, out, err);
}

static int prepare_zone(struct zd_model_query *q, int z, struct zd_err *err)
{
	float row[ZD_NCOLS_THERMAL];
	struct zd_action any;
	zd_action_max(&q->prior.space, &any);
	memcpy(row, q->fixed, sizeof(row));
	zd_encode_zone(&q->prior, z, &any, q->start_c[z], 1.0, row);
	/* the start temperatures stay inputs: zd_model_query_set_start */
	const int zone_fixed[] = {ZD_COL_ZONE + 2};
	int rc = specialise(q->model->part[ZD_PART_PEAK], row, ZD_COL_START,
			    zone_fixed, 1, &q->peak[z], err);
	if (rc == 0)
		rc = specialise(q->model->part[ZD_PART_FINAL], row,
				ZD_COL_START, zone_fixed, 1, &q->final[z], err);
	return rc;
}

int zd_model_query_new(const struct zd_model *m, const struct zd_board *b,
		       const struct zd_model_query_opts *o,
		       struct zd_model_query **out, struct zd_err *err)
{
	struct zd_model_query *q = calloc(1, sizeof(*q));
	if (!q)
		return zd_fail(err, ENOMEM, "out of memory");
	q->model = m;
	int rc = zd_board_prior_init(&q->prior, b, err);
	if (rc == 0)
		q->pop =
		    zd_population_board(m->pop, b->name, q->prior.space.count);
	for (int z = 0; rc == 0 && z < q->prior.nzones; z++)
		q->start_c[z] =
		    o->start_mc ? o->start_mc[z] * 1e-3 : q->prior.ambient_c;
	if (rc == 0) {
		zd_encode_program(o->features, q->fixed);
		zd_encode_board(&q->prior, q->fixed);
		zd_encode_start(&q->prior, q->start_c, q->fixed);
		q->ref_s = o->ref_makespan_s > 0
		    ? o->ref_makespan_s
		    : exp(zd_gbt_predict(m->part[ZD_PART_SCALE], q->fixed));
		rc = specialise(m->part[ZD_PART_TIME], q->fixed, ZD_COL_START,
				NULL, 0, &q->time, err);
	}
	if (rc == 0)
		rc = specialise(m->part[ZD_PART_POWER], q->fixed, ZD_COL_START,
				NULL, 0, &q->power, err);
	if (rc == 0 && !(q->bulk = calloc(1, sizeof(*q->bulk))))
		rc = zd_fail(err, ENOMEM, "out of memory");
	for (int z = 0; rc == 0 && z < q->prior.nzones; z++)
		if (q->prior.zone_modelled[z])
			rc = prepare_zone(q, z, err);
	if (rc != 0) {
		zd_model_query_free(q);
		return rc;
	}
	*out = q;
	return 0;
}

void zd_model_query_free(struct zd_model_query *q)
{
	if (!q)
		return;
	if (q->bulk) {
		zd_gbt_bulk_free(q->bulk->time);
		zd_gbt_bulk_free(q->bulk->power);
		for (int z = 0; z < ZD_MAX_ZONES; z++) {
			zd_gbt_bulk_free(q->bulk->peak[z]);
			zd_gbt_bulk_free(q->bulk->final[z]);
		}
		free(q->bulk);
	}
	zd_gbt_free(q->time);
	zd_gbt_free(q->power);
	for (int z = 0; z < ZD_MAX_ZONES; z++) {
		zd_gbt_free(q->peak[z]);
		zd_gbt_free(q->final[z]);
	}
	free(q);
}

const struct zd_action_space *
zd_model_query_space(const struct zd_model_query *q)
{
	return &q->prior.space;
}

bool zd_model_query_population(const struct zd_model_query *q, int i,
			       double *log_t_rel, double *log_p_rel)
{
	if (!q->pop || i < 0 || (uint32_t)i >= q->pop->count)
		return false;
	*log_t_rel = q->pop->t[i] / ZD_POP_UNIT;
	*log_p_rel = q->pop->p[i] / ZD_POP_UNIT;
	return true;
}

double zd_model_query_scale_s(const struct zd_model_query *q)
{
	return q->ref_s;
}

void zd_model_predict_perf(const struct zd_model_query *q,
			   const struct zd_action *a, struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	float row[ZD_NCOLS_RUN];
	memcpy(row, q->fixed, sizeof(row));
	zd_encode_action(bp, a, row);
	zd_decode_run(bp, q->ref_s, zd_gbt_predict(q->time, row),
		      zd_gbt_predict(q->power, row), q->start_c, out);
	out->hottest_c = NAN; /* temperatures not predicted */
}

void zd_model_predict(const struct zd_model_query *q, const struct zd_action *a,
		      struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	float row[ZD_NCOLS_THERMAL];
	memcpy(row, q->fixed, sizeof(row));
	zd_encode_action(bp, a, row);
	zd_decode_run(bp, q->ref_s, zd_gbt_predict(q->time, row),
		      zd_gbt_predict(q->power, row), q->start_c, out);
	for (int z = 0; z < bp->nzones; z++) {
		if (!bp->zone_modelled[z])
			continue;
		zd_encode_zone(bp, z, a, q->start_c[z], out->makespan_s, row);
		zd_decode_zone(bp, z, q->start_c[z],
			       zd_gbt_predict(q->peak[z], row),
			       zd_gbt_predict(q->final[z], row), out);
	}
	zd_decode_hottest(out);
}

/* Actions go through in blocks, each regressor walking the block's rows
 * side by side (zd_gbt_predict_rows keeps a tree in L1 for all of them). */
#define PREDICT_BLOCK 64

static void predict_zone_block(const struct zd_model_query *q, int z,
			       const struct zd_action *acts, int n, float *x,
			       struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	float peak[PREDICT_BLOCK], fin[PREDICT_BLOCK];
	for (int r = 0; r < n; r++)
		zd_encode_zone(bp, z, &acts[r], q->start_c[z],
			       out[r].makespan_s,
			       x + (size_t)r * ZD_NCOLS_THERMAL);
	zd_gbt_predict_strided(q->peak[z], x, (size_t)n, ZD_NCOLS_THERMAL,
			       peak);
	zd_gbt_predict_strided(q->final[z], x, (size_t)n, ZD_NCOLS_THERMAL,
			       fin);
	for (int r = 0; r < n; r++)
		zd_decode_zone(bp, z, q->start_c[z], peak[r], fin[r], &out[r]);
}

static void predict_block(const struct zd_model_query *q, int first, int n,
			  float *x, struct zd_outcome *out)
{
	const struct zd_board_prior *bp = &q->prior;
	struct zd_action acts[PREDICT_BLOCK];
	float yt[PREDICT_BLOCK], yp[PREDICT_BLOCK];
	for (int r = 0; r < n; r++) {
		float *row = x + (size_t)r * ZD_NCOLS_THERMAL;
		zd_action_at(&bp->space, first + r, &acts[r]);
		memcpy(row, q->fixed, sizeof(q->fixed));
		zd_encode_action(bp, &acts[r], row);
	}
	zd_gbt_predict_strided(q->time, x, (size_t)n, ZD_NCOLS_THERMAL, yt);
	zd_gbt_predict_strided(q->power, x, (size_t)n, ZD_NCOLS_THERMAL, yp);
	for (int r = 0; r < n; r++)
		zd_decode_run(bp, q->ref_s, yt[r], yp[r], q->start_c, &out[r]);
	for (int z = 0; z < bp->nzones; z++)
		if (bp->zone_modelled[z])
			predict_zone_block(q, z, acts, n, x, out);
	for (int r = 0; r < n; r++)
		zd_decode_hottest(&out[r]);
}

/* The bulk predictors, made once per query (a query serves one thread at
 * a time, like its predictions' scratch): time and power, then the zones'
 * when a prediction needs temperatures. */
static int bulk_ready(const struct zd_model_query *q, bool zones)
{
	struct query_bulk *qb = q->bulk;
	struct zd_err err = {0};
	if (!qb->tried) {
		qb->tried = true;
		qb->rc = zd_gbt_bulk_new(q->time, &qb->time, &err);
		if (qb->rc == 0)
			qb->rc = zd_gbt_bulk_new(q->power, &qb->power, &err);
	}
	if (qb->rc != 0 || !zones)
		return qb->rc;
	if (!qb->tried_zones) {
		qb->tried_zones = true;
		int rc = 0;
		for (int z = 0; rc == 0 && z < q->prior.nzones; z++) {
			if (!q->prior.zone_modelled[z])
				continue;
			rc = zd_gbt_bulk_new(q->peak[z], &qb->peak[z], &err);
			if (rc == 0)
				rc = zd_gbt_bulk_new(q->final[z], &qb->final[z],
						     &err);
		}
		qb->rc_zones = rc;
	}
	return qb->rc_zones;
}

/* Decisions go through the bulk predictors BULK_CHUNK at a time: their
 * rows stay in cache from encoding to decoding, and the scratch is small
 * enough to come from the heap, not fresh pages, at every call. */
#define BULK_CHUNK 512

/* Every decision at once through the bulk predictors: the same rows and
 * the same arithmetic as predict_block, so the same outcomes. -ENOMEM
 * when the memory is not there. */
static int predict_all_bulk(const struct zd_model_query *q,
			    struct zd_outcome *out)
{
	int ready = bulk_ready(q, true);
	if (ready != 0)
		return ready;
	const struct query_bulk *qb = q->bulk;
	const struct zd_board_prior *bp = &q->prior;
	size_t count = (size_t)bp->space.count, nc = ZD_NCOLS_THERMAL;
	float *x = malloc(sizeof(*x) * BULK_CHUNK * nc);
	float *y1 = malloc(sizeof(*y1) * BULK_CHUNK);
	float *y2 = malloc(sizeof(*y2) * BULK_CHUNK);
	struct zd_action *acts = malloc(sizeof(*acts) * BULK_CHUNK);
	int rc = x && y1 && y2 && acts ? 0 : -ENOMEM;
	for (size_t first = 0; rc == 0 && first < count; first += BULK_CHUNK) {
		size_t n =
		    count - first < BULK_CHUNK ? count - first : BULK_CHUNK;
		struct zd_outcome *o = out + first;
		for (size_t r = 0; r < n; r++) {
			float *row = x + r * nc;
			zd_action_at(&bp->space, (int)(first + r), &acts[r]);
			memcpy(row, q->fixed, sizeof(q->fixed));
			zd_encode_action(bp, &acts[r], row);
		}
		rc = zd_gbt_bulk_predict(qb->time, x, n, nc, y1);
		if (rc == 0)
			rc = zd_gbt_bulk_predict(qb->power, x, n, nc, y2);
		for (size_t r = 0; rc == 0 && r < n; r++)
			zd_decode_run(bp, q->ref_s, y1[r], y2[r], q->start_c,
				      &o[r]);
		for (int z = 0; rc == 0 && z < bp->nzones; z++) {
			if (!bp->zone_modelled[z])
				continue;
			for (size_t r = 0; r < n; r++)
				zd_encode_zone(bp, z, &acts[r], q->start_c[z],
					       o[r].makespan_s, x + r * nc);
			rc = zd_gbt_bulk_predict(qb->peak[z], x, n, nc, y1);
			if (rc == 0)
				rc = zd_gbt_bulk_predict(qb->final[z], x, n, nc,
							 y2);
			for (size_t r = 0; rc == 0 && r < n; r++)
				zd_decode_zone(bp, z, q->start_c[z], y1[r],
					       y2[r], &o[r]);
		}
		for (size_t r = 0; rc == 0 && r < n; r++)
			zd_decode_hottest(&o[r]);
	}
	free(x);
	free(y1);
	free(y2);
	free(acts);
	return rc;
}

/* Below this many decisions preparing the bulk form costs more than it
 * saves (the i7's 102: 0.3 ms walked, 1 ms in bulk). */
#define BULK_MIN_DECISIONS 256

void zd_model_predict_all(const struct zd_model_query *q,
			  struct zd_outcome *out)
{
	if (q->prior.space.count >= BULK_MIN_DECISIONS &&
	    predict_all_bulk(q, out) == 0)
		return;
	/* a block at a time: few decisions, or no memory for the bulk form */
	static _Thread_local float x[PREDICT_BLOCK * ZD_NCOLS_THERMAL];
	int count = q->prior.space.count;
	for (int first = 0; first < count; first += PREDICT_BLOCK) {
		int n = count - first < PREDICT_BLOCK ? count - first
						      : PREDICT_BLOCK;
		predict_block(q, first, n, x, out + first);
	}
}

/* Time and power of every decision through the bulk predictors, decoded
 * as zd_model_predict_perf decodes them, BULK_CHUNK at a time. -ENOMEM
 * without the memory. */
static int perf_all_bulk(const struct zd_model_query *q, double *makespan_s,
			 double *power_w)
{
	int ready = bulk_ready(q, false);
	if (ready != 0)
		return ready;
	const struct zd_board_prior *bp = &q->prior;
	size_t count = (size_t)bp->space.count, nc = ZD_NCOLS_RUN;
	float *x = malloc(sizeof(*x) * BULK_CHUNK * nc);
	float *yt = malloc(sizeof(*yt) * BULK_CHUNK);
	float *yp = malloc(sizeof(*yp) * BULK_CHUNK);
	int rc = x && yt && yp ? 0 : -ENOMEM;
	for (size_t first = 0; rc == 0 && first < count; first += BULK_CHUNK) {
		size_t n =
		    count - first < BULK_CHUNK ? count - first : BULK_CHUNK;
		for (size_t r = 0; r < n; r++) {
			struct zd_action a;
			zd_action_at(&bp->space, (int)(first + r), &a);
			memcpy(x + r * nc, q->fixed, sizeof(float) * nc);
			zd_encode_action(bp, &a, x + r * nc);
		}
		rc = zd_gbt_bulk_predict(q->bulk->time, x, n, nc, yt);
		if (rc == 0)
			rc = zd_gbt_bulk_predict(q->bulk->power, x, n, nc, yp);
		for (size_t r = 0; rc == 0 && r < n; r++) {
			struct zd_outcome o;
			zd_decode_run(bp, q->ref_s, yt[r], yp[r], q->start_c,
				      &o);
			makespan_s[first + r] = o.makespan_s;
			power_w[first + r] = o.avg_power_w;
		}
	}
	free(x);
	free(yt);
	free(yp);
	return rc;
}

void zd_model_predict_perf_all(const struct zd_model_query *q,
			       double *makespan_s, double *power_w)
{
	const struct zd_board_prior *bp = &q->prior;
	int count = bp->space.count;
	if (count >= BULK_MIN_DECISIONS &&
	    perf_all_bulk(q, makespan_s, power_w) == 0)
		return;
	/* a block at a time: few decisions, or no memory for the bulk form */
	static _Thread_local float x[PREDICT_BLOCK * ZD_NCOLS_RUN];
	for (int first = 0; first < count; first += PREDICT_BLOCK) {
		int n = count - first < PREDICT_BLOCK ? count - first
						      : PREDICT_BLOCK;
		float yt[PREDICT_BLOCK], yp[PREDICT_BLOCK];
		for (int r = 0; r < n; r++) {
			struct zd_action a;
			zd_action_at(&bp->space, first + r, &a);
			memcpy(x + (size_t)r * ZD_NCOLS_RUN, q->fixed,
			       sizeof(float) * ZD_NCOLS_RUN);
			zd_encode_action(bp, &a, x + (size_t)r * ZD_NCOLS_RUN);
		}
		zd_gbt_predict_strided(q->time, x, (size_t)n, ZD_NCOLS_RUN, yt);
		zd_gbt_predict_strided(q->power, x, (size_t)n, ZD_NCOLS_RUN,
				       yp);
		for (int r = 0; r < n; r++) {
			struct zd_outcome o;
			zd_decode_run(bp, q->ref_s, yt[r], yp[r], q->start_c,
				      &o);
			makespan_s[first + r] = o.makespan_s;
			power_w[first + r] = o.avg_power_w;
		}
	}
}

void zd_model_query_set_scale_s(struct zd_model_query *q, double ref_s)
{
	q->ref_s = ref_s;
}

void zd_model_query_set_start(struct zd_model_query *q, const int *start_mc)
{
	for (int z = 0; z < q->prior.nzones; z++)
		q->start_c[z] =
		    start_mc ? start_mc[z] * 1e-3 : q->prior.ambient_c;
	zd_encode_start(&q->prior, q->start_c, q->fixed);
}
