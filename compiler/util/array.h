/*
 * array.h - one vetted growable array, heap-backed through opsc_realloc.
 *
 *   opsc_array(int) xs = {0};
 *   opsc_array_push(&xs, 42);
 *   for (uint32_t i = 0; i < xs.len; i++) use(xs.items[i]);
 *   opsc_array_free(&xs);
 *
 * For data that lives as long as a compilation, build the array, then
 * opsc_array_to_arena() copies it into the arena and frees the heap copy.
 */
#ifndef OPSC_ARRAY_H
#define OPSC_ARRAY_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"

#define opsc_array(T) struct { T *items; uint32_t len, cap; }

#define opsc_array_reserve(a, n) \
	opsc_array_grow_((void **)&(a)->items, &(a)->cap, (a)->len + (n), sizeof(*(a)->items))

#define opsc_array_push(a, v) \
	(opsc_array_reserve((a), 1), (a)->items[(a)->len++] = (v))

/* Appends `n` items copied from `src`. */
#define opsc_array_append(a, src, n) \
	(opsc_array_reserve((a), (uint32_t)(n)), memcpy((a)->items + (a)->len, (src), (size_t)(n) * sizeof(*(a)->items)), \
	 (a)->len += (uint32_t)(n))

#define opsc_array_pop(a) ((a)->items[--(a)->len])
#define opsc_array_last(a) (&(a)->items[(a)->len - 1])
#define opsc_array_clear(a) ((a)->len = 0)

#define opsc_array_free(a) \
	(opsc_free((a)->items), (a)->items = NULL, (a)->len = (a)->cap = 0)

/* Copies the items into `arena`, frees the heap buffer, returns the copy. */
#define opsc_array_to_arena(arena, a) \
	opsc_array_to_arena_((arena), (void **)&(a)->items, &(a)->len, &(a)->cap, sizeof(*(a)->items))

static inline void opsc_array_grow_(void **items, uint32_t *cap, uint32_t need, size_t size)
{
	if (need <= *cap)
		return;
	uint32_t ncap = *cap ? *cap * 2 : 8;
	while (ncap < need)
		ncap *= 2;
	*items = opsc_realloc(*items, (size_t)ncap * size);
	*cap = ncap;
}

static inline void *opsc_array_to_arena_(opsc_arena *arena, void **items, uint32_t *len,
					 uint32_t *cap, size_t size)
{
	void *copy = NULL;
	if (*len) {
		copy = opsc_arena_alloc(arena, (size_t)*len * size);
		memcpy(copy, *items, (size_t)*len * size);
	}
	opsc_free(*items);
	*items = NULL;
	*cap = 0;
	return copy;
}

/* Sorting and searching arrays keyed by a leading string: elements that
 * are a `const char *`, or structs whose first member is one (a path, a
 * name, an opsc_str). C lets a pointer to a struct stand for a pointer to
 * its first member, so one comparator serves them all. */
static inline int opsc_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The element of a sorted array (n elements of `size` bytes) whose leading
 * string is `s`, or NULL. */
static inline void *opsc_find_str(const void *items, uint32_t n, size_t size, const char *s)
{
	return n ? bsearch(&s, items, n, size, opsc_cmp_str) : NULL;
}

#endif
