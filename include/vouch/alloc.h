/*
 * vouch/alloc.h - every allocation in libvouch goes through these wrappers.
 *
 * Tests install hooks that fail the Nth allocation or count bytes, as
 * SQLite's test_malloc.c does. The hooks are the one process-wide setting
 * of the library: install them before any other call and never while
 * another thread is inside libvouch.
 */
#ifndef VOUCH_ALLOC_H
#define VOUCH_ALLOC_H

#include <stddef.h>

#include "common.h"

typedef struct vouch_alloc_hooks {
    void *(*malloc_fn)(size_t size, void *ctx);
    void *(*realloc_fn)(void *ptr, size_t size, void *ctx);
    void (*free_fn)(void *ptr, void *ctx);
    void *ctx;
} vouch_alloc_hooks;

/* Install `hooks` (copied), or restore the libc allocator with NULL.
 * jansson is routed through the same hooks. */
VOUCH_EXTERN void vouch_alloc_set_hooks(const vouch_alloc_hooks *hooks);

/* malloc(0) returns a unique pointer, never NULL on success. */
VOUCH_EXTERN void *vouch_malloc(size_t size);
VOUCH_EXTERN void *vouch_calloc(size_t n, size_t size); /* overflow-checked */
/* On failure returns NULL and `ptr` stays valid and owned by the caller. */
VOUCH_EXTERN void *vouch_realloc(void *ptr, size_t size);
VOUCH_EXTERN void vouch_free(void *ptr); /* NULL is a no-op */
/* Copies of NUL-terminated / counted strings; caller frees with vouch_free. */
VOUCH_EXTERN char *vouch_strdup(const char *s);
VOUCH_EXTERN char *vouch_strndup(const char *s, size_t len);

/* a*b into *out; returns 0, or -1 when it would overflow size_t. */
static inline int vouch_mul_overflow(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > (size_t)-1 / a)
        return -1;
    *out = a * b;
    return 0;
}

static inline int vouch_add_overflow(size_t a, size_t b, size_t *out)
{
    if (b > (size_t)-1 - a)
        return -1;
    *out = a + b;
    return 0;
}

#endif
