/* opts.c - what every subcommand shares: error printing, option parsing,
 * JSON output and reports. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "zdvfs/platform.h"

int cli_error(const char *cmd, const struct zd_err *err)
{
	fprintf(stderr, "zdvfs %s: %s\n", cmd,
		err->msg[0] ? err->msg : "failed");
	return err->exit ? err->exit : 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	/* cmd "" is `zdvfs` itself. */
	const char *sep = cmd[0] ? " " : "";
	fprintf(stderr, "zdvfs%s%s: ", sep, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(see `zdvfs%s%s --help`)\n", sep, cmd);
	return 2;
}

int cli_parse_long(const char *cmd, const char *opt, const char *text, long lo,
		   long hi, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < lo || v > hi)
		return cli_usage_error(cmd,
				       "%s '%s' is not a number in %ld..%ld",
				       opt, text, lo, hi);
	*out = v;
	return 0;
}

int cli_parse_double(const char *cmd, const char *opt, const char *text,
		     double lo, double hi, double *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(text, &end);
	if (errno != 0 || end == text || *end != '\0' || !(v >= lo && v <= hi))
		return cli_usage_error(cmd, "%s '%s' is not a number in %g..%g",
				       opt, text, lo, hi);
	*out = v;
	return 0;
}

void cli_widen_khz_range(const struct zd_freq_domain *d, uint32_t *lo_khz,
			 uint32_t *hi_khz)
{
	if (zd_domain_min_khz(d) < *lo_khz)
		*lo_khz = zd_domain_min_khz(d);
	if (zd_domain_max_khz(d) > *hi_khz)
		*hi_khz = zd_domain_max_khz(d);
}

/* Seeds are stored as 32-bit values everywhere (store, agents file). */
int cli_parse_seed(const char *cmd, const char *text, uint64_t *seed)
{
	char *end = NULL;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    v > UINT32_MAX)
		return cli_usage_error(cmd,
				       "--seed '%s' is not a number in "
				       "0..%u",
				       text, UINT32_MAX);
	*seed = v;
	return 0;
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

/* 10 % beyond the range is a typo or the wrong board, not a rounding. */
int cli_khz_in_range(const char *text, uint32_t lo_khz, uint32_t hi_khz,
		     const char *what, uint32_t *khz, struct zd_err *err)
{
	int rc = cli_parse_khz(text, khz, err);
	if (rc == 0 &&
	    ((double)*khz < 0.9 * lo_khz || (double)*khz > 1.1 * hi_khz))
		rc = zd_bad_input(err,
				  "--freq %s is outside %s's range "
				  "%.1f-%.1f MHz",
				  text, what, lo_khz / 1000.0, hi_khz / 1000.0);
	return rc;
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

int cli_write_report(const char *cmd, const char *path, bool as_json, json_t *r,
		     void (*print)(FILE *out, json_t *r))
{
	FILE *out = stderr;
	if (path != NULL && (out = fopen(path, "we")) == NULL) {
		fprintf(stderr, "zdvfs %s: cannot write report %s: %s\n", cmd,
			path, strerror(errno));
		return 1;
	}
	if (as_json) {
		char *text =
		    json_dumps(r, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (text != NULL)
			fprintf(out, "%s\n", text);
		free(text);
	} else {
		print(out, r);
	}
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "zdvfs %s: cannot write report %s: %s\n", cmd,
			path, strerror(errno));
		return 1;
	}
	return 0;
}
