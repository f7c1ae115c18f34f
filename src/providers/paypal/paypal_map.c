#include "paypal_map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

size_t pp_map_find(const pp_map *m, const char *key, size_t len)
{
	if (!m->nslots)
		return (size_t)-1;
	for (size_t i = hash(key, len) & (m->nslots - 1);; i = (i + 1) & (m->nslots - 1)) {
		size_t s = m->slots[i];
		if (!s)
			return (size_t)-1;
		const char *k = m->keys[s - 1];
		if (strncmp(k, key, len) == 0 && k[len] == '\0')
			return s - 1;
	}
}

static int grow(pp_map *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64;
	size_t *slots = calloc(n, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t k = 0; k < m->count; k++) {
		size_t i = hash(m->keys[k], strlen(m->keys[k])) & (n - 1);
		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = k + 1;
	}
	char **keys = realloc(m->keys, n / 2 * sizeof *keys);
	if (!keys) {
		free(slots);
		return -1;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = n;
	m->keys = keys;
	return 0;
}

size_t pp_map_add(pp_map *m, const char *key, size_t len, int *added)
{
	*added = 0;
	size_t found = pp_map_find(m, key, len);
	if (found != (size_t)-1)
		return found;
	/* Keep the table at most half full; keys has room for nslots / 2 entries. */
	if ((m->count + 1) * 2 > m->nslots && grow(m) < 0)
		return (size_t)-1;
	char *copy = malloc(len + 1);
	if (!copy)
		return (size_t)-1;
	memcpy(copy, key, len);
	copy[len] = '\0';
	size_t i = hash(key, len) & (m->nslots - 1);
	while (m->slots[i])
		i = (i + 1) & (m->nslots - 1);
	m->keys[m->count] = copy;
	m->slots[i] = ++m->count;
	*added = 1;
	return m->count - 1;
}

void pp_map_clear(pp_map *m)
{
	for (size_t i = 0; i < m->count; i++)
		free(m->keys[i]);
	m->count = 0;
	if (m->slots)
		memset(m->slots, 0, m->nslots * sizeof *m->slots);
}

void pp_map_truncate(pp_map *m, size_t count)
{
	if (count >= m->count)
		return;
	for (size_t i = count; i < m->count; i++)
		free(m->keys[i]);
	m->count = count;
	/* Open addressing cannot delete in place: lay the survivors out again. */
	memset(m->slots, 0, m->nslots * sizeof *m->slots);
	for (size_t k = 0; k < m->count; k++) {
		size_t i = hash(m->keys[k], strlen(m->keys[k])) & (m->nslots - 1);
		while (m->slots[i])
			i = (i + 1) & (m->nslots - 1);
		m->slots[i] = k + 1;
	}
}

void pp_map_free(pp_map *m)
{
	pp_map_clear(m);
	free(m->keys);
	free(m->slots);
	memset(m, 0, sizeof *m);
}

static int by_bytes(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **pp_map_sorted_keys(const pp_map *m)
{
	if (!m->count)
		return NULL;
	char **keys = malloc(m->count * sizeof *keys);
	if (!keys)
		return NULL;
	memcpy(keys, m->keys, m->count * sizeof *keys);
	qsort(keys, m->count, sizeof *keys, by_bytes);
	return keys;
}
