/* jsonfile.h - writing a JSON document to a file the safe way: into a
 * temporary file beside it, then renamed over it, so a crash, a kill or a
 * full disk never leaves half a model, agents or bench file behind. */
#ifndef ZDVFS_JSONFILE_H
#define ZDVFS_JSONFILE_H

#include <stddef.h>

#include <jansson.h>

#include "zdvfs/err.h"

/* flags: jansson's dump flags (JSON_COMPACT, JSON_INDENT(n), ...); `what`
 * names the content in messages ("the model"). */
int zd_json_write_file(const json_t *j, const char *path, size_t flags,
		       const char *what, struct zd_err *err);

#endif
