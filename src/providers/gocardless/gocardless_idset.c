/* A set of ids for a pass of changes: several events of one payment give one record, so
 * each id is kept once. Open addressing, linear probing, grown at half full. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gocardless.h"

static size_t hash_of(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return (size_t)(h ^ (h >> 32));
}

static char **slot_of(char **slots, size_t cap, const char *id)
{
	size_t i = hash_of(id) & (cap - 1);
	while (slots[i] && strcmp(slots[i], id) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

static int grow(gc_idset *set)
{
	size_t cap = set->cap ? set->cap * 2 : 64;
	char **slots = calloc(cap, sizeof *slots);
	if (!slots)
		return BILLTAP_ENOMEM;
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			*slot_of(slots, cap, set->slots[i]) = set->slots[i];
	free(set->slots);
	set->slots = slots;
	set->cap = cap;
	return 0;
}

int gc_idset_add(gc_idset *set, const char *id)
{
	if (gc_idset_has(set, id))
		return 0;
	if (2 * (set->n + 1) > set->cap && grow(set) < 0)
		return BILLTAP_ENOMEM;
	char *copy = strdup(id);
	if (!copy)
		return BILLTAP_ENOMEM;
	*slot_of(set->slots, set->cap, id) = copy;
	set->n++;
	return 1;
}

int gc_idset_has(const gc_idset *set, const char *id)
{
	return set->cap && *slot_of(set->slots, set->cap, id) != NULL;
}

void gc_idset_free(gc_idset *set)
{
	for (size_t i = 0; i < set->cap; i++)
		free(set->slots[i]);
	free(set->slots);
	memset(set, 0, sizeof *set);
}
