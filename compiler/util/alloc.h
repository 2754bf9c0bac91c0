/*
 * alloc.h - the one allocation hook and the per-compilation arena.
 *
 * Every heap allocation in opsc goes through opsc_malloc/opsc_realloc/opsc_free
 * so tests can swap the hook (cmocka's test_malloc) and count leaks. Like
 * tree-sitter's ts_malloc, the default hook aborts when memory runs out: no
 * caller can do anything useful then, and checking every small allocation
 * would bury the code that matters.
 *
 * An arena owns everything one compilation makes (AST, strings, Model,
 * diagnostics) and releases it in one call.
 */
#ifndef OPSC_ALLOC_H
#define OPSC_ALLOC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	void *(*malloc)(size_t size);
	void *(*calloc)(size_t count, size_t size);
	void *(*realloc)(void *ptr, size_t size);
	void (*free)(void *ptr);
} opsc_allocator;

/* Replace the hook; NULL restores the C library's. */
void opsc_alloc_set(const opsc_allocator *allocator);

/* Never NULL: running out of memory aborts (see above). */
#define OPSC_NONNULL __attribute__((returns_nonnull))

void *opsc_malloc(size_t size) OPSC_NONNULL;
void *opsc_calloc(size_t count, size_t size) OPSC_NONNULL;
void *opsc_realloc(void *ptr, size_t size) OPSC_NONNULL;
void opsc_free(void *ptr);
char *opsc_strdup(const char *s) OPSC_NONNULL;
char *opsc_strndup(const char *s, size_t len) OPSC_NONNULL;

typedef struct opsc_arena opsc_arena;

opsc_arena *opsc_arena_new(void);
/* Frees every allocation made from the arena; accepts NULL. */
void opsc_arena_free(opsc_arena *arena);
/* Arena blocks are aligned for pointers, doubles and 64-bit integers, the
 * widest members of opsc's own types: 8 bytes, not max_align_t's 16, which
 * would waste a tenth of a large AST. */
#define OPSC_ARENA_ALIGN 8

/* Zeroed memory, aligned to OPSC_ARENA_ALIGN, valid until opsc_arena_free. */
void *opsc_arena_alloc(opsc_arena *arena, size_t size) OPSC_NONNULL;
char *opsc_arena_strndup(opsc_arena *arena, const char *s, size_t len);
char *opsc_arena_strdup(opsc_arena *arena, const char *s);
char *opsc_arena_printf(opsc_arena *arena, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *opsc_arena_vprintf(opsc_arena *arena, const char *fmt, va_list ap);
/* Moves every allocation of `src` into `dst` (they now live and die with
 * dst) and frees src. For arenas filled on other threads. */
void opsc_arena_adopt(opsc_arena *dst, opsc_arena *src);
/* A position in an arena to rewind to: everything allocated after it is
 * given back at once (the policy evaluator frees each quantifier element's
 * values so memory stays flat however many elements it visits). */
typedef struct {
	void *head, *next; /* opaque: the arena's newest chunk and the one after it */
	size_t used, total;
} opsc_arena_pos;

opsc_arena_pos opsc_arena_tell(const opsc_arena *arena);
/* Frees everything allocated since `pos` (which must be from this arena, and
 * not older than a rewind past it); memory handed out again is zeroed. */
void opsc_arena_rewind(opsc_arena *arena, opsc_arena_pos pos);
/* Bytes handed out so far (for benchmarks and tests). */
size_t opsc_arena_used(const opsc_arena *arena);

#endif
