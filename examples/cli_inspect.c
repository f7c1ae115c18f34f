/*
 * billtap inspect: the record with one id, fetched through the library with the setting
 * trace_sources on, printed as the provider's raw JSON and then field by field: the
 * normalized value, where the library says it came from (billtap_record_field_source():
 * the kit's mapper notes the member it read; values set by provider code are "computed
 * by PROVIDER", with the members it names), and the raw value of those members.
 *
 * Finding the record: the provider SPI has no "fetch one object" slot and PayPal has no
 * endpoint for one transaction, so inspect iterates the resource (from --since, when
 * given) and stops at the id: it costs the requests of the records before it. This keeps
 * the provider vtable and every provider unchanged, and the record is exactly what an
 * extraction would have produced.
 */
#include "cli_inspect.h"

#include <billtap.h>
#include <billtap/provider_kit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_exit.h"
#include "cli_settings.h"

typedef struct inspect_args {
	cli_source src; /* --provider, --resource, --since and the settings */
	const char *id;
} inspect_args;

static int parse_args(inspect_args *a, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int shared = cli_source_option(&a->src, &i, argc, argv);
		if (shared < 0)
			return -1;
		if (shared)
			continue;
		if (strcmp(argv[i], "--id") != 0) {
			fprintf(stderr, "billtap: inspect: unknown option '%s'\n", argv[i]);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "billtap: %s needs a value\n", argv[i]);
			return -1;
		}
		a->id = argv[++i];
	}
	if (!a->src.provider || !a->src.resource || !a->id) {
		fprintf(stderr, "billtap: inspect needs --provider, --resource and --id\n");
		return -1;
	}
	return 0;
}

/* ---- the raw JSON, indented ---- */

static void indent(int depth)
{
	putchar('\n');
	for (int i = 0; i < depth; i++)
		fputs("  ", stdout);
}

/* Prints compact JSON text two spaces an indent; strings are copied as they are. */
static void print_pretty(const char *s, size_t n)
{
	int depth = 0, in_string = 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (in_string) {
			putchar(c);
			if (c == '\\' && i + 1 < n)
				putchar(s[++i]);
			else if (c == '"')
				in_string = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_string = 1;
			putchar(c);
			break;
		case '{':
		case '[':
			putchar(c);
			if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']'))
				putchar(s[++i]); /* {} and [] stay on one line */
			else
				indent(++depth);
			break;
		case '}':
		case ']':
			indent(--depth);
			putchar(c);
			break;
		case ',':
			putchar(c);
			indent(depth);
			break;
		case ':':
			fputs(": ", stdout);
			break;
		case ' ':
		case '\t':
		case '\r':
		case '\n':
			break;
		default:
			putchar(c);
		}
	}
	putchar('\n');
}

/* ---- the fields and their sources ---- */

/* The normalized value as in the JSON lines (strings not escaped: this is for people). */
static void format_value(char *out, size_t cap, const billtap_record *rec, billtap_field f)
{
	const char *s;
	int64_t v;
	char t[48];
	int type = billtap_field_type_of(f);
	if (type == BILLTAP_TYPE_STRING) {
		if (billtap_record_get_str(&s, rec, f) == 0)
			snprintf(out, cap, "\"%s\"", s);
		else
			snprintf(out, cap, "null");
	} else if (billtap_record_get_int(&v, rec, f) != 0) {
		snprintf(out, cap, "null");
	} else if (type == BILLTAP_TYPE_BOOL) {
		snprintf(out, cap, "%s", v ? "true" : "false");
	} else if (type == BILLTAP_TYPE_TIME && billtap_time_format(t, sizeof t, v) > 0) {
		snprintf(out, cap, "\"%s\"", t);
	} else {
		snprintf(out, cap, "%lld", (long long)v);
	}
}

/* Each member of `members` (space-separated paths) with its raw value. */
static void print_members(const billtap_json *doc, const char *members)
{
	char path[256];
	const char *p = members;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n >= sizeof path)
			n = sizeof path - 1;
		memcpy(path, p, n);
		path[n] = '\0';
		p += n;
		p += strspn(p, " ");
		/* OBJECT:PATH is a member of another object the provider read (its value is not
		 * in this record's raw JSON): named as it is. */
		if (strchr(path, ':')) {
			printf(" %s", path);
			continue;
		}
		billtap_json_ref ref = billtap_json_path(doc, billtap_json_root(doc), path);
		const char *text;
		size_t len;
		printf(" %s = ", path);
		if (billtap_json_typeof(doc, ref) == BILLTAP_JSON_ABSENT)
			fputs("(absent)", stdout);
		else if (billtap_json_text(&text, &len, doc, ref) == 0) {
			int quoted = billtap_json_typeof(doc, ref) == BILLTAP_JSON_STRING;
			/* A nested object or array is shown in its first 120 bytes. */
			printf("%s%.*s%s%s", quoted ? "\"" : "", (int)(len > 120 ? 120 : len), text,
			       quoted ? "\"" : "", len > 120 ? "..." : "");
		}
	}
}

static const char *how_word(int how)
{
	switch (how) {
	case BILLTAP_SOURCE_MEMBER:
		return "member";
	case BILLTAP_SOURCE_DERIVED:
		return "derived";
	case BILLTAP_SOURCE_COMPUTED:
		return "computed";
	case BILLTAP_SOURCE_DEFAULT:
		return "default";
	default:
		return "unknown";
	}
}

/* One record: its raw JSON, then its fields, then its nested records. */
static int print_record(const billtap_record *rec, const char *provider, const char *title,
                        billtap_json *doc)
{
	size_t raw_len;
	const char *raw = billtap_record_raw_json(rec, &raw_len);
	printf("== %s\n-- raw (%s's JSON)\n", title, provider);
	if (raw) {
		print_pretty(raw, raw_len);
		if (billtap_json_parse(doc, raw, raw_len) < 0)
			raw = NULL;
	} else
		printf("(the provider kept no raw JSON for this record)\n");
	billtap_record_kind kind = billtap_record_kind_of(rec);
	int traced = billtap_record_field_source(NULL, NULL, rec, BILLTAP_FIELD_ID) == 0;
	printf("-- normalized, %s\n", traced ? "each field with its source"
	                                      : "not traced (the provider built this record "
	                                        "without the kit's mapper and did not trace it)");
	int n = billtap_record_kind_fields(NULL, 0, kind);
	billtap_field *fields = calloc((size_t)(n > 0 ? n : 1), sizeof *fields);
	if (!fields) {
		fprintf(stderr, "billtap: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	billtap_record_kind_fields(fields, (size_t)n, kind);
	for (int i = 0; i < n; i++) {
		int how;
		const char *members;
		char value[512];
		format_value(value, sizeof value, rec, fields[i]);
		if (billtap_record_field_source(&how, &members, rec, fields[i]) < 0) {
			printf("%-22s %s\n", billtap_field_name(fields[i]), value);
			continue;
		}
		printf("%-22s %-30s  <- %s", billtap_field_name(fields[i]), value, how_word(how));
		if (how == BILLTAP_SOURCE_COMPUTED)
			printf(" by %s%s", provider, members ? " from" : " (members not named)");
		if (how == BILLTAP_SOURCE_DERIVED)
			printf(" by %s's table from", provider);
		if (how == BILLTAP_SOURCE_DEFAULT)
			fputs(" (set by no one)", stdout);
		if (members && raw)
			print_members(doc, members);
		else if (members)
			printf(" %s", members);
		putchar('\n');
	}
	free(fields);
	const char *member;
	billtap_record_kind_nested(&member, kind);
	for (size_t i = 0; i < billtap_record_item_count(rec); i++) {
		const billtap_record *item = billtap_record_item(rec, i);
		char sub[256];
		const char *id = billtap_record_id(item);
		snprintf(sub, sizeof sub, "%s %s[%zu]%s%s", billtap_record_id(rec), member, i,
		         id ? " " : "", id ? id : "");
		int status = print_record(item, provider, sub, doc);
		if (status)
			return status;
	}
	return 0;
}

/* Iterates until the record with the id (or the record holding a nested one with it). */
static int find(const billtap_record **found, long long *seen, billtap_iter *it, const char *id)
{
	const billtap_record *rec;
	int rc;
	while ((rc = billtap_iter_next(&rec, it)) == 0) {
		++*seen;
		const char *rid = billtap_record_id(rec);
		int match = rid && !strcmp(rid, id);
		for (size_t i = 0; !match && i < billtap_record_item_count(rec); i++) {
			const char *iid = billtap_record_id(billtap_record_item(rec, i));
			match = iid && !strcmp(iid, id);
		}
		if (match) {
			*found = rec;
			return 0;
		}
	}
	return rc;
}

static int run(const inspect_args *a)
{
	billtap_resource resource;
	int64_t since;
	int status = cli_source_check(&a->src, &resource, &since);
	if (status)
		return status;
	const char *provider = a->src.provider, *resource_name = a->src.resource;
	char error[256] = "";
	billtap_client_options copts = BILLTAP_CLIENT_OPTIONS_INIT;
	copts.error = error;
	copts.error_size = sizeof error;
	billtap_client *client = NULL;
	billtap_iter *it = NULL;
	billtap_json *doc = NULL;
	int rc = billtap_client_new(&client, provider, &copts);
	if (rc < 0) {
		fprintf(stderr, "billtap: %s\n", *error ? error : billtap_strerror(rc));
		return cli_exit_for(rc);
	}
	status = cli_settings_apply(client, &a->src.settings);
	if (!status && billtap_client_set(client, "trace_sources", "true") < 0)
		status = cli_report_error(client, BILLTAP_EUNKNOWN_SETTING);
	billtap_iter_options opts = BILLTAP_ITER_OPTIONS_INIT;
	opts.since = since;
	if (!status && (rc = billtap_iter_new(&it, client, resource, &opts)) < 0)
		status = cli_report_error(client, rc);
	const billtap_record *rec = NULL;
	long long seen = 0;
	if (!status && (rc = find(&rec, &seen, it, a->id)) < 0)
		status = cli_report_error(client, rc);
	uint64_t requests = 0;
	if (it)
		billtap_iter_stats(&requests, NULL, NULL, it);
	if (!status && !rec) {
		fprintf(stderr, "billtap: %s has no %s with id %s (%lld records read, %llu "
		                "requests)\n",
		        provider, resource_name, a->id, seen, (unsigned long long)requests);
		status = CLI_EXIT_PERMANENT;
	}
	if (!status && billtap_json_new(&doc) < 0) {
		fprintf(stderr, "billtap: out of memory\n");
		status = CLI_EXIT_FAILURE;
	}
	if (!status) {
		printf("%s %s %s: found after %lld records, %llu requests\n", provider,
		       resource_name, a->id, seen, (unsigned long long)requests);
		char title[256];
		snprintf(title, sizeof title, "%s %s", billtap_record_kind_name(billtap_record_kind_of(rec)),
		         billtap_record_id(rec));
		status = print_record(rec, billtap_client_provider(client), title, doc);
	}
	billtap_json_free(doc);
	billtap_iter_free(it);
	billtap_client_free(client);
	return status;
}

int cli_inspect(int argc, char **argv)
{
	inspect_args a;
	memset(&a, 0, sizeof a);
	if (cli_source_init(&a.src, argc) < 0) {
		fprintf(stderr, "billtap: out of memory\n");
		return CLI_EXIT_FAILURE;
	}
	int status = parse_args(&a, argc, argv) < 0 ? CLI_EXIT_USAGE : run(&a);
	cli_source_free(&a.src);
	return status;
}
