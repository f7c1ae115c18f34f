/* A string-keyed hash map (string -> index) used by the PayPal streams for seen
 * transaction ids, discovered subscriptions, payers, product names and plan prices. */
#ifndef BILLTAP_PROVIDERS_PAYPAL_MAP_H
#define BILLTAP_PROVIDERS_PAYPAL_MAP_H

#include <stddef.h>

typedef struct pp_map {
	char **keys;    /* insertion order */
	size_t count;
	size_t *slots;  /* open addressing: index + 1, 0 = empty */
	size_t nslots;
} pp_map;

/* Index of key, or (size_t)-1. */
size_t pp_map_find(const pp_map *m, const char *key, size_t len);
/* Index of key, inserting it when new (*added = 1). (size_t)-1 when out of memory. */
size_t pp_map_add(pp_map *m, const char *key, size_t len, int *added);
void pp_map_clear(pp_map *m);
/* Forgets every key added after the first `count` (undoing a failed page). */
void pp_map_truncate(pp_map *m, size_t count);
void pp_map_free(pp_map *m);
/* The keys in byte order (a new array of borrowed pointers; free() it). NULL when empty
 * or out of memory (check count). */
char **pp_map_sorted_keys(const pp_map *m);

#endif
