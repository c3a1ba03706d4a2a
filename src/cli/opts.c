/* opts.c - what every subcommand shares: error printing, frequency parsing,
 * JSON output. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

int cli_error(const char *cmd, const struct zd_err *err)
{
	fprintf(stderr, "zdvfs %s: %s\n", cmd,
		err->msg[0] ? err->msg : "failed");
	return err->exit ? err->exit : 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "zdvfs %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `zdvfs %s --help`)\n", cmd);
	return 2;
}

int cli_parse_khz(const char *text, uint32_t *khz, struct zd_err *err)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(text, &end);
	double scale = 1.0; /* kHz when no unit is given */
	if (errno != 0 || end == text || !(v > 0))
		goto bad;
	if (strcasecmp(end, "ghz") == 0)
		scale = 1e6;
	else if (strcasecmp(end, "mhz") == 0)
		scale = 1e3;
	else if (strcasecmp(end, "khz") == 0 || *end == '\0')
		scale = 1.0;
	else
		goto bad;
	v *= scale;
	if (v < 1.0 || v > 1e8)
		goto bad;
	*khz = (uint32_t)llround(v);
	return 0;
bad:
	return zd_bad_input(err,
			    "'%s' is not a frequency (examples: 1400000, "
			    "1400MHz, 1.4GHz)",
			    text);
}

int cli_print_json(json_t *value)
{
	if (value == NULL) {
		fprintf(stderr, "zdvfs: out of memory\n");
		return 1;
	}
	char *text = json_dumps(value, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(value);
	if (text == NULL) {
		fprintf(stderr, "zdvfs: out of memory\n");
		return 1;
	}
	puts(text);
	free(text);
	return 0;
}
