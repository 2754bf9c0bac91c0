#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *default_malloc(size_t size) { return malloc(size); }
static void *default_calloc(size_t count, size_t size) { return calloc(count, size); }
static void *default_realloc(void *ptr, size_t size) { return realloc(ptr, size); }
static void default_free(void *ptr) { free(ptr); }

static opsc_allocator hook = { default_malloc, default_calloc, default_realloc, default_free };

void opsc_alloc_set(const opsc_allocator *allocator)
{
	static const opsc_allocator std = { default_malloc, default_calloc, default_realloc, default_free };
	hook = allocator ? *allocator : std;
}

static void *check(void *p, size_t size)
{
	if (!p && size) {
		fprintf(stderr, "opsc: out of memory (%zu bytes)\n", size);
		abort();
	}
	return p;
}

void *opsc_malloc(size_t size) { return check(hook.malloc(size ? size : 1), size); }

void *opsc_calloc(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return check(NULL, SIZE_MAX);
	return check(hook.calloc(count ? count : 1, size ? size : 1), count * size);
}

void *opsc_realloc(void *ptr, size_t size) { return check(hook.realloc(ptr, size ? size : 1), size); }

void opsc_free(void *ptr)
{
	if (ptr)
		hook.free(ptr);
}

char *opsc_strndup(const char *s, size_t len)
{
	char *d = opsc_malloc(len + 1);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *opsc_strdup(const char *s) { return opsc_strndup(s, strlen(s)); }

/* Chunks are chained; a request larger than the default chunk gets its own. */
typedef struct chunk {
	struct chunk *next;
	size_t size, used;
	_Alignas(max_align_t) unsigned char data[];
} chunk;

struct opsc_arena {
	chunk *head;
	size_t total;
	chunk *spare; /* a zeroed chunk a rewind gave back, used before a new one */
};

/* Chunks are calloc'ed: big ones come straight from mmap, already zero, so
 * handing out zeroed memory costs no memset. */
enum { CHUNK_SIZE = 256 * 1024 };

_Static_assert(OPSC_ARENA_ALIGN >= _Alignof(void *) && OPSC_ARENA_ALIGN >= _Alignof(double) &&
		       OPSC_ARENA_ALIGN >= _Alignof(int64_t), "arena alignment");

opsc_arena *opsc_arena_new(void)
{
	return opsc_calloc(1, sizeof(opsc_arena));
}

void opsc_arena_free(opsc_arena *arena)
{
	if (!arena)
		return;
	for (chunk *c = arena->head, *next; c; c = next) {
		next = c->next;
		opsc_free(c);
	}
	opsc_free(arena->spare);
	opsc_free(arena);
}

static chunk *chunk_new(size_t size)
{
	chunk *c = opsc_calloc(1, sizeof(chunk) + size);
	c->next = NULL;
	c->size = size;
	c->used = 0;
	return c;
}

void *opsc_arena_alloc(opsc_arena *arena, size_t size)
{
	const size_t align = OPSC_ARENA_ALIGN;
	size = (size + align - 1) & ~(align - 1);
	chunk *c = arena->head;
	if (!c || c->size - c->used < size) {
		if (size > CHUNK_SIZE / 4) {
			/* Big block: own chunk, linked behind the current one so the
			 * current chunk's free space stays usable. */
			chunk *big = chunk_new(size);
			big->used = size;
			if (c) {
				big->next = c->next;
				c->next = big;
			} else {
				arena->head = big;
			}
			arena->total += size;
			return big->data;
		}
		c = arena->spare ? arena->spare : chunk_new(CHUNK_SIZE);
		arena->spare = NULL;
		c->next = arena->head;
		arena->head = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	arena->total += size;
	return p;
}

opsc_arena_pos opsc_arena_tell(const opsc_arena *arena)
{
	chunk *h = arena->head;
	return (opsc_arena_pos){ h, h ? h->next : NULL, h ? h->used : 0, arena->total };
}

/* New chunks go in front of the head, big blocks right behind the head of
 * their time: what came after `pos` is everything in front of pos.head and
 * everything between pos.head and pos.next. */
/* A chunk a rewind no longer needs: one of the default size is kept
 * (zeroed) for the next, so an element whose values cross a chunk boundary
 * does not cost a calloc and a free each time. */
static void give_back(opsc_arena *arena, chunk *c)
{
	if (!arena->spare && c->size == CHUNK_SIZE) {
		memset(c->data, 0, c->used);
		c->used = 0;
		c->next = NULL;
		arena->spare = c;
	} else {
		opsc_free(c);
	}
}

void opsc_arena_rewind(opsc_arena *arena, opsc_arena_pos pos)
{
	chunk *keep = pos.head;
	for (chunk *c = arena->head, *next; c != keep; c = next) {
		next = c->next;
		give_back(arena, c);
	}
	arena->head = keep;
	arena->total = pos.total;
	if (!keep)
		return;
	for (chunk *c = keep->next, *next; c != pos.next; c = next) {
		next = c->next;
		give_back(arena, c);
	}
	keep->next = pos.next;
	memset(keep->data + pos.used, 0, keep->used - pos.used); /* handed out zeroed */
	keep->used = pos.used;
}

char *opsc_arena_strndup(opsc_arena *arena, const char *s, size_t len)
{
	char *d = opsc_arena_alloc(arena, len + 1);
	memcpy(d, s, len);
	return d;
}

char *opsc_arena_strdup(opsc_arena *arena, const char *s)
{
	return opsc_arena_strndup(arena, s, strlen(s));
}

char *opsc_arena_vprintf(opsc_arena *arena, const char *fmt, va_list ap)
{
	va_list copy;
	if (!fmt) /* never; but sanitizer builds of GCC cannot prove it */
		fmt = "";
	va_copy(copy, ap);
	char probe[1];
	int n = vsnprintf(probe, sizeof probe, fmt, copy);
	va_end(copy);
	if (n < 0)
		n = 0;
	char *s = opsc_arena_alloc(arena, (size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

char *opsc_arena_printf(opsc_arena *arena, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = opsc_arena_vprintf(arena, fmt, ap);
	va_end(ap);
	return s;
}

void opsc_arena_adopt(opsc_arena *dst, opsc_arena *src)
{
	if (!src)
		return;
	chunk *tail = src->head;
	while (tail && tail->next)
		tail = tail->next;
	if (tail) {
		/* behind dst's current chunk, so dst keeps filling that one */
		if (dst->head) {
			tail->next = dst->head->next;
			dst->head->next = src->head;
		} else {
			dst->head = src->head;
		}
	}
	dst->total += src->total;
	opsc_free(src->spare);
	opsc_free(src);
}

size_t opsc_arena_used(const opsc_arena *arena) { return arena ? arena->total : 0; }
