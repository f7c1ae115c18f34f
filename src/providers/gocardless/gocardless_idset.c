/* A set of ids for a pass of changes: several events of one payment give one record, so
 * each id is kept once. Open addressing with linear probing, grown at half full; the ids
 * are also kept in the order they came, so that a page's additions can be taken back when
 * the call that read it fails and is made again. */
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

static size_t slot_of(char *const *slots, size_t cap, const char *id)
{
	size_t i = hash_of(id) & (cap - 1);
	while (slots[i] && strcmp(slots[i], id) != 0)
		i = (i + 1) & (cap - 1);
	return i;
}

static int grow(gc_idset *set)
{
	size_t cap = set->cap ? set->cap * 2 : 64;
	char **slots = calloc(cap, sizeof *slots);
	char **order = realloc(set->order, cap / 2 * sizeof *order);
	if (order)
		set->order = order;
	if (!slots || !order) {
		free(slots);
		return BILLTAP_ENOMEM;
	}
	for (size_t i = 0; i < set->cap; i++)
		if (set->slots[i])
			slots[slot_of(slots, cap, set->slots[i])] = set->slots[i];
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
	set->slots[slot_of(set->slots, set->cap, id)] = copy;
	set->order[set->n++] = copy;
	return 1;
}

int gc_idset_has(const gc_idset *set, const char *id)
{
	return set->cap && set->slots[slot_of(set->slots, set->cap, id)] != NULL;
}

/* Empties slot i and moves up the ids after it that probing would no longer reach. */
static void remove_at(gc_idset *set, size_t i)
{
	size_t mask = set->cap - 1;
	set->slots[i] = NULL;
	for (size_t j = (i + 1) & mask; set->slots[j]; j = (j + 1) & mask) {
		size_t home = hash_of(set->slots[j]) & mask;
		/* j's id may fill the hole when its home is not cyclically in (i, j] */
		int reachable = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!reachable) {
			set->slots[i] = set->slots[j];
			set->slots[j] = NULL;
			i = j;
		}
	}
}

void gc_idset_rollback(gc_idset *set, size_t n)
{
	while (set->n > n) {
		char *id = set->order[--set->n];
		remove_at(set, slot_of(set->slots, set->cap, id));
		free(id);
	}
}

void gc_idset_free(gc_idset *set)
{
	for (size_t i = 0; i < set->n; i++)
		free(set->order[i]);
	free(set->order);
	free(set->slots);
	memset(set, 0, sizeof *set);
}
