/* store_internal.h - what the store's tests need beyond store.h: a
 * database at an older schema version, so the upgrade on open is tested
 * against a real old file rather than a description of one. */
#ifndef ZDVFS_STORE_INTERNAL_H
#define ZDVFS_STORE_INTERNAL_H

#include "zdvfs/err.h"

/* Create the database at path with the layout of schema `version`
 * (1..ZD_STORE_SCHEMA_VERSION) and close it. */
int zd_store_create_at_version(const char *path, int version,
			       struct zd_err *err);

#endif
