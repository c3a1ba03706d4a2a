/* fuzz_features.c - a libFuzzer target for the feature analyser: any bytes
 * as a C source must give a result or a clear error, never a crash, a
 * hang or a sanitizer report. Built with -DZDVFS_FEATURES_FUZZ=ON (clang):
 *   fuzz_features -max_total_time=600 CORPUS_DIR workloads/bots ... */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "features/features_json.h"
#include "zdvfs/features.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/zdvfs-fuzz-%d.c", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	const char *files[] = {path};
	struct zd_feat_request req = {files, 1, NULL, 0, NULL, true, NULL};
	struct zd_features *out = NULL;
	struct zd_err err = {0};
	if (zd_features_analyze(&req, &out, &err) == 0) {
		json_t *j = zd_features_json(out);
		if (j == NULL)
			abort(); /* every result must serialise */
		char *s = json_dumps(j, 0);
		if (s == NULL)
			abort();
		free(s);
		json_decref(j);
		zd_features_free(out);
	} else if (err.msg[0] == '\0') {
		abort(); /* an error always says what */
	}
	return 0;
}
