/* options.c - parse a command's argv against its options table and print
 * its --help from the same table (options.h). */
#include <string.h>

#include "cli.h"
#include "options.h"

#define HELP_WIDTH 79
#define HELP_COLUMN 20 /* where an option's explanation starts */

static bool is_option(const struct cli_option *o)
{
	return o->type != CLI_OPT_END && o->type != CLI_OPT_TEXT &&
	    o->type != CLI_OPT_GROUP && o->type != CLI_OPT_ITEM;
}

static bool takes_arg(const struct cli_option *o)
{
	return o->type != CLI_OPT_BOOL &&
	    !(o->type == CLI_OPT_CALLBACK && o->no_arg);
}

/* "--long", else "-s": how errors and the number parsers name it. */
static const char *option_name(const struct cli_option *o, char *buf,
			       size_t size)
{
	if (o->long_name != NULL)
		snprintf(buf, size, "--%s", o->long_name);
	else
		snprintf(buf, size, "-%c", o->short_name);
	return buf;
}

void cli_print_wrapped(FILE *out, const char *text, int col, int indent)
{
	const char *p = text;
	bool line_start = true; /* nothing printed on this line yet */
	while (*p != '\0') {
		if (*p == '\n') {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			line_start = true;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		size_t len = strcspn(p, " \n");
		if (!line_start && col + 1 + (int)len > HELP_WIDTH) {
			fprintf(out, "\n%*s", indent, "");
			col = indent;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', out);
			col++;
		}
		fwrite(p, 1, len, out);
		col += (int)len;
		line_start = false;
		p += len;
	}
	fputc('\n', out);
}

static void print_option(FILE *out, const struct cli_option *o)
{
	char head[128];
	int n = 0;
	if (o->type == CLI_OPT_ITEM)
		n = snprintf(head, sizeof(head), "%s", o->argh);
	else if (o->short_name && o->long_name)
		n = snprintf(head, sizeof(head), "-%c, --%s", o->short_name,
			     o->long_name);
	else
		n = (int)strlen(option_name(o, head, sizeof(head)));
	if (n >= 0 && (size_t)n < sizeof(head) && o->type != CLI_OPT_ITEM &&
	    takes_arg(o) && o->argh != NULL)
		snprintf(head + n, sizeof(head) - (size_t)n, " %s", o->argh);
	n = (int)strlen(head);
	fprintf(out, "  %s", head);
	int col = 2 + n;
	/* Two spaces at least between the option and its explanation:
	 * help2man takes one as part of the option. */
	if (col > HELP_COLUMN - 2)
		fprintf(out, "\n%*s", HELP_COLUMN, "");
	else
		fprintf(out, "%*s", HELP_COLUMN - col, "");
	cli_print_wrapped(out, o->help ? o->help : "", HELP_COLUMN,
			  HELP_COLUMN);
}

void cli_usage_with_options(FILE *out, const char *const *usage,
			    const struct cli_option *options)
{
	for (int i = 0; usage != NULL && usage[i] != NULL; i++)
		fprintf(out, "%s%s\n",
			i == 0 ? "usage: " : "   or: ", usage[i]);
	enum cli_opt_type prev = CLI_OPT_TEXT; /* the usage: a paragraph */
	for (const struct cli_option *o = options; o->type != CLI_OPT_END;
	     o++) {
		if (o->type == CLI_OPT_TEXT || o->type == CLI_OPT_GROUP ||
		    prev == CLI_OPT_TEXT)
			fputc('\n', out);
		if (o->type == CLI_OPT_TEXT || o->type == CLI_OPT_GROUP)
			cli_print_wrapped(out, o->help, 0, 0);
		else
			print_option(out, o);
		prev = o->type;
	}
}

/* The choices as people read them: "cold, idle or hot". */
static void choice_list(const char *const *choices, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; choices[i] != NULL && used < size; i++) {
		const char *sep = i == 0     ? ""
		    : choices[i + 1] == NULL ? " or "
					     : ", ";
		int n =
		    snprintf(buf + used, size - used, "%s%s", sep, choices[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Store an option's argument; 0, or the status of a usage error. */
static int take(const char *cmd, const struct cli_option *o, const char *arg)
{
	char name[128];
	option_name(o, name, sizeof(name));
	int rc = 0;
	switch (o->type) {
	case CLI_OPT_BOOL: *(bool *)o->value = true; break;
	case CLI_OPT_STRING: *(const char **)o->value = arg; break;
	case CLI_OPT_INT: {
		long v = 0;
		rc = cli_parse_long(cmd, name, arg, o->lo, o->hi, &v);
		if (rc == 0)
			*(int *)o->value = (int)v;
		break;
	}
	case CLI_OPT_DOUBLE:
		rc = cli_parse_double(cmd, name, arg, o->dlo, o->dhi,
				      (double *)o->value);
		break;
	case CLI_OPT_SEED: rc = cli_parse_seed(cmd, arg, o->value); break;
	case CLI_OPT_CHOICE: {
		for (int i = 0; o->choices[i] != NULL; i++)
			if (strcmp(o->choices[i], arg) == 0) {
				*(int *)o->value = i;
				return 0;
			}
		char list[256];
		choice_list(o->choices, list, sizeof(list));
		rc = cli_usage_error(cmd, "%s '%s' is not %s", name, arg, list);
		break;
	}
	case CLI_OPT_CALLBACK: rc = o->callback(o, arg, cmd); break;
	default: break;
	}
	return rc;
}

/* The option named by `name` (len bytes, from "--name[=arg]"): an exact
 * match, else the one option it is a prefix of (as GNU programs allow). */
static const struct cli_option *find_long(const char *cmd,
					  const struct cli_option *options,
					  const char *name, size_t len,
					  int *status)
{
	const struct cli_option *found = NULL;
	int matches = 0;
	for (const struct cli_option *o = options; o->type != CLI_OPT_END;
	     o++) {
		if (!is_option(o) || o->long_name == NULL ||
		    strncmp(o->long_name, name, len) != 0)
			continue;
		if (o->long_name[len] == '\0')
			return o;
		found = o;
		matches++;
	}
	if (matches == 1)
		return found;
	*status =
	    cli_usage_error(cmd, "%s option '--%.*s'",
			    matches ? "ambiguous" : "unknown", (int)len, name);
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *options,
					   char c)
{
	for (const struct cli_option *o = options; o->type != CLI_OPT_END; o++)
		if (is_option(o) && o->short_name == c)
			return o;
	return NULL;
}

static int help(const char *const *usage, const struct cli_option *options,
		int *status)
{
	cli_usage_with_options(stdout, usage, options);
	*status = 0;
	return -1;
}

/* A long option argv[*i] ("--name", "--name=arg", "--name arg"). */
static int parse_long(const char *cmd, const struct cli_option *options,
		      int argc, char **argv, int *i)
{
	const char *name = argv[*i] + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int status = 2;
	const struct cli_option *o =
	    find_long(cmd, options, name, len, &status);
	if (o == NULL)
		return status;
	char oname[128];
	option_name(o, oname, sizeof(oname));
	if (!takes_arg(o)) {
		if (eq != NULL)
			return cli_usage_error(cmd, "%s takes no argument",
					       oname);
		return take(cmd, o, NULL);
	}
	if (eq != NULL)
		return take(cmd, o, eq + 1);
	if (*i + 1 >= argc)
		return cli_usage_error(cmd, "%s needs an argument (%s)", oname,
				       o->argh ? o->argh : "a value");
	return take(cmd, o, argv[++*i]);
}

/* Short options argv[*i]: "-x", "-xy" (both without an argument), "-Iarg",
 * "-I arg". */
static int parse_short(const char *cmd, const struct cli_option *options,
		       int argc, char **argv, int *i)
{
	for (const char *p = argv[*i] + 1; *p != '\0'; p++) {
		const struct cli_option *o = find_short(options, *p);
		if (o == NULL)
			return cli_usage_error(cmd, "unknown option '-%c'", *p);
		if (!takes_arg(o)) {
			int rc = take(cmd, o, NULL);
			if (rc != 0)
				return rc;
			continue;
		}
		if (p[1] != '\0')
			return take(cmd, o, p + 1);
		if (*i + 1 >= argc)
			return cli_usage_error(cmd,
					       "-%c needs an argument (%s)", *p,
					       o->argh ? o->argh : "a value");
		return take(cmd, o, argv[++*i]);
	}
	return 0;
}

int cli_parse_options(const char *cmd, const char *const *usage,
		      const struct cli_option *options, int flags, int argc,
		      char **argv, int *status)
{
	bool own_h = find_short(options, 'h') != NULL;
	int nargs = 0; /* arguments kept so far, in argv[0..nargs-1] */
	int i;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];
		int rc = 0;
		if (strcmp(a, "--") == 0) {
			if (flags & CLI_PARSE_KEEP_DASHDASH)
				argv[nargs++] = a;
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0') { /* "-" is an argument */
			if (flags & CLI_PARSE_STOP_AT_ARG)
				break;
			argv[nargs++] = a;
			continue;
		}
		if (strcmp(a, "--help") == 0 ||
		    (!own_h && strcmp(a, "-h") == 0))
			return help(usage, options, status);
		if (a[1] == '-')
			rc = parse_long(cmd, options, argc, argv, &i);
		else
			rc = parse_short(cmd, options, argc, argv, &i);
		if (rc != 0) {
			*status = rc;
			return -1;
		}
	}
	/* nargs < i throughout, so the moves never overwrite what is left. */
	for (; i < argc; i++)
		argv[nargs++] = argv[i];
	argv[nargs] = NULL;
	return nargs;
}
