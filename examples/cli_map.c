#include "cli_map.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a 64 */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static cli_map_slot *probe(cli_map_slot *slots, size_t cap, const char *key, size_t len)
{
	size_t i = (size_t)hash(key, len) & (cap - 1);
	while (slots[i].key && (slots[i].key_len != len || memcmp(slots[i].key, key, len)))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

cli_map_slot *cli_map_find(const cli_map *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	cli_map_slot *s = probe(m->slots, m->cap, key, len);
	return s->key ? s : NULL;
}

static int grow(cli_map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	cli_map_slot *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return -1;
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			*probe(slots, cap, m->slots[i].key, m->slots[i].key_len) = m->slots[i];
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

cli_map_slot *cli_map_put(cli_map *m, const char *key, size_t len, int *added)
{
	*added = 0;
	cli_map_slot *s = cli_map_find(m, key, len);
	if (s)
		return s;
	if ((m->count + 1) * 2 > m->cap && grow(m) < 0)
		return NULL;
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, key, len);
	copy[len] = '\0';
	s = probe(m->slots, m->cap, key, len);
	s->key = copy;
	s->key_len = len;
	s->value = NULL;
	m->count++;
	*added = 1;
	return s;
}

void cli_map_free(cli_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof *m);
}
