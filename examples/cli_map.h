/* A string-keyed hash table for the CLI's tools (totals' groups, diff's loaded side):
 * keys are copied, values are the caller's. Open addressing, grown at half full. */
#ifndef BILLTAP_CLI_MAP_H
#define BILLTAP_CLI_MAP_H

#include <stddef.h>

typedef struct cli_map_slot {
	char *key; /* NULL: empty */
	size_t key_len;
	void *value;
} cli_map_slot;

typedef struct cli_map {
	cli_map_slot *slots;
	size_t cap, count;
} cli_map;

/* The slot of key[0..len) (keys may hold NUL bytes), or NULL when absent. */
cli_map_slot *cli_map_find(const cli_map *m, const char *key, size_t len);

/* The slot of key, added with value NULL when absent (*added = 1). NULL when out of
 * memory. */
cli_map_slot *cli_map_put(cli_map *m, const char *key, size_t len, int *added);

/* Frees the keys and the table (not the values). */
void cli_map_free(cli_map *m);

#endif
