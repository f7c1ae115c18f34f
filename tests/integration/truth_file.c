#include "truth_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The value of a truth line's "id" member (truth files write ids unescaped). */
static char *line_id(const char *line)
{
	const char *p = strstr(line, "\"id\":\"");
	if (!p)
		return NULL;
	p += 6;
	const char *end = strchr(p, '"');
	return end ? strndup(p, (size_t)(end - p)) : NULL;
}

int truth_read(truth *t, const char *path, char *why, size_t cap)
{
	memset(t, 0, sizeof *t);
	if (!(t->data = slurp(path))) {
		snprintf(why, cap, "cannot read %s", path);
		return -1;
	}
	size_t lines = 1;
	for (const char *p = t->data; *p; p++)
		lines += *p == '\n';
	t->lines = calloc(lines, sizeof *t->lines);
	t->ids = calloc(lines, sizeof *t->ids);
	for (char *save = NULL, *l = strtok_r(t->data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *id = line_id(l);
		if (!id || (t->count && strcmp(t->ids[t->count - 1], id) >= 0)) {
			snprintf(why, cap, "%s: %s at line %zu: %.80s", path,
			         id ? "not sorted by id" : "no id", t->count + 1, l);
			free(id);
			truth_free(t);
			return -1;
		}
		t->lines[t->count] = l;
		t->ids[t->count++] = id;
	}
	return 0;
}

long truth_find(const truth *t, const char *id)
{
	size_t lo = 0, hi = t->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->ids[mid], id);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void truth_free(truth *t)
{
	for (size_t i = 0; i < t->count; i++)
		free(t->ids[i]);
	free(t->ids);
	free(t->lines);
	free(t->data);
	memset(t, 0, sizeof *t);
}
