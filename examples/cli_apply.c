/*
 * billtap apply BASE CHANGES...: the state an incremental extraction describes
 * (docs/incremental.md). BASE is a full pass's JSON lines; each CHANGES file, in order, is
 * an incremental pass's: a record replaces the one of the same kind and id (or joins), a
 * tombstone ({"deleted":true} with only object and id) removes it. The result goes to
 * standard output, one line per record, in the order each (kind, id) first appeared.
 * Lines are copied as they are, never re-encoded. Everything is held in memory: about
 * the size of the result.
 */
#include "cli_apply.h"

#include <billtap/provider.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_exit.h"
#include "cli_map.h"

typedef struct entry {
	char *line; /* NULL: deleted */
	size_t len;
} entry;

typedef struct state {
	cli_map by_key;  /* "KIND\0ID" -> entry index + 1 */
	entry *entries;
	size_t count, cap;
	billtap_json *doc;
} state;

static int bad_line(const char *path, long line, const char *why)
{
	fprintf(stderr, "billtap: %s:%ld: %s\n", path, line, why);
	return CLI_EXIT_PERMANENT;
}

static int no_memory(void)
{
	fprintf(stderr, "billtap: out of memory\n");
	return CLI_EXIT_LOCAL_IO;
}

/* The record key of a parsed line into key ("KIND\0ID"), and whether it is a tombstone.
 * NULL or a reason. */
static const char *key_of(state *s, char *key, size_t cap, size_t *len, int *tombstone)
{
	billtap_json_ref root = billtap_json_root(s->doc);
	billtap_json_ref object = billtap_json_get(s->doc, root, "object");
	billtap_json_ref id = billtap_json_get(s->doc, root, "id");
	billtap_json_ref deleted = billtap_json_get(s->doc, root, "deleted");
	char kind[64];
	size_t kn, in;
	if (billtap_json_str_decode(kind, sizeof kind, &kn, s->doc, object) < 0 || !kn)
		return "no \"object\" string";
	billtap_record_kind k;
	if (billtap_record_kind_from_name(&k, kind) < 0)
		return "\"object\" is no record kind";
	if (billtap_json_str_decode(key + kn + 1, cap - kn - 1, &in, s->doc, id) < 0 || !in)
		return "no \"id\" string";
	memcpy(key, kind, kn + 1);
	*len = kn + 1 + in;
	/* A tombstone has nothing but object, id and deleted (a customer record has a
	 * "deleted" field of its own, and many more members). */
	*tombstone = billtap_json_typeof(s->doc, deleted) == BILLTAP_JSON_TRUE &&
	             billtap_json_count(s->doc, root) == 3;
	return NULL;
}

static int apply_line(state *s, const char *path, long lineno, const char *line, size_t len)
{
	if (billtap_json_parse(s->doc, line, len) < 0 ||
	    billtap_json_typeof(s->doc, billtap_json_root(s->doc)) != BILLTAP_JSON_OBJECT)
		return bad_line(path, lineno, "not a JSON object (apply reads JSON lines)");
	char key[1024];
	size_t key_len;
	int tombstone;
	const char *why = key_of(s, key, sizeof key, &key_len, &tombstone);
	if (why)
		return bad_line(path, lineno, why);
	int added;
	cli_map_slot *slot = cli_map_put(&s->by_key, key, key_len, &added);
	if (!slot)
		return no_memory();
	if (added) {
		if (s->count == s->cap) {
			size_t cap = s->cap ? 2 * s->cap : 1024;
			entry *e = realloc(s->entries, cap * sizeof *e);
			if (!e)
				return no_memory();
			s->entries = e;
			s->cap = cap;
		}
		s->entries[s->count] = (entry){ NULL, 0 };
		slot->value = (void *)(uintptr_t)(++s->count);
	}
	entry *e = &s->entries[(uintptr_t)slot->value - 1];
	free(e->line);
	e->line = NULL;
	if (tombstone)
		return 0; /* deleting what is not there is fine: it may predate the base */
	if (!(e->line = malloc(len)))
		return no_memory();
	memcpy(e->line, line, len);
	e->len = len;
	return 0;
}

static int apply_file(state *s, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		fprintf(stderr, "billtap: cannot open %s: %s\n", path, strerror(errno));
		return CLI_EXIT_LOCAL_IO;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int status = 0;
	while (status == 0 && (n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		size_t len = (size_t)n;
		if (len && line[len - 1] == '\n')
			len--;
		if (len)
			status = apply_line(s, path, lineno, line, len);
	}
	if (status == 0 && ferror(f)) {
		fprintf(stderr, "billtap: cannot read %s: %s\n", path, strerror(errno));
		status = CLI_EXIT_LOCAL_IO;
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return status;
}

int cli_apply(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "billtap: apply needs a base file and the change files to apply to it\n");
		return CLI_EXIT_USAGE;
	}
	state s;
	memset(&s, 0, sizeof s);
	if (billtap_json_new(&s.doc) < 0)
		return no_memory();
	int status = 0;
	for (int i = 0; i < argc && status == 0; i++)
		status = apply_file(&s, argv[i]);
	for (size_t i = 0; i < s.count && status == 0; i++)
		if (s.entries[i].line && (fwrite(s.entries[i].line, 1, s.entries[i].len, stdout) !=
		                                  s.entries[i].len ||
		                          putchar('\n') == EOF))
			status = CLI_EXIT_LOCAL_IO; /* reported by the caller's flush */
	for (size_t i = 0; i < s.count; i++)
		free(s.entries[i].line);
	free(s.entries);
	cli_map_free(&s.by_key);
	billtap_json_free(s.doc);
	return status;
}
