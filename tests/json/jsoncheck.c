/*
 * jsoncheck FILE: exits 0 when FILE is valid JSON for billtap's parser, 1 when it is not
 * (the parser's message on stderr), 2 on a usage or I/O error.
 */
#include "billtap/provider.h"

#include <stdio.h>
#include <stdlib.h>

/* Reads a whole file (binary: NUL bytes and bad UTF-8 must reach the parser). */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *p = realloc(buf, cap * 2);
		if (!p) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = p;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: jsoncheck FILE\n");
		return 2;
	}
	size_t len;
	char *text = read_all(argv[1], &len);
	if (!text) {
		perror(argv[1]);
		return 2;
	}
	billtap_json *doc;
	if (billtap_json_new(&doc) != 0) {
		free(text);
		fprintf(stderr, "jsoncheck: out of memory\n");
		return 2;
	}
	int rc = billtap_json_parse(doc, text, len);
	int status = 0;
	if (rc == BILLTAP_EPARSE) {
		fprintf(stderr, "%s: %s\n", argv[1], billtap_json_error(doc));
		status = 1;
	} else if (rc != 0) {
		fprintf(stderr, "%s: parser failed (%d)\n", argv[1], rc);
		status = 2;
	}
	billtap_json_free(doc);
	free(text);
	return status;
}
