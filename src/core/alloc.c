/*
 * alloc.c - the allocation wrappers. The hooks are a process-wide setting
 * (see alloc.h); jansson is pointed at the same functions so that failure
 * injection covers JSON parsing too.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "vouch/alloc.h"

static vouch_alloc_hooks hooks; /* all NULL: libc */

static void *jansson_malloc(size_t n)
{
    return vouch_malloc(n);
}

void vouch_alloc_set_hooks(const vouch_alloc_hooks *h)
{
    if (h)
        hooks = *h;
    else
        memset(&hooks, 0, sizeof(hooks));
    json_set_alloc_funcs(jansson_malloc, vouch_free);
}

void *vouch_malloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (hooks.malloc_fn)
        return hooks.malloc_fn(size, hooks.ctx);
    return malloc(size);
}

void *vouch_calloc(size_t n, size_t size)
{
    size_t total;
    if (vouch_mul_overflow(n, size, &total) != 0)
        return NULL;
    void *p = vouch_malloc(total);
    if (p)
        memset(p, 0, total);
    return p;
}

void *vouch_realloc(void *ptr, size_t size)
{
    if (size == 0)
        size = 1;
    if (hooks.realloc_fn)
        return hooks.realloc_fn(ptr, size, hooks.ctx);
    return realloc(ptr, size);
}

void vouch_free(void *ptr)
{
    if (!ptr)
        return;
    if (hooks.free_fn)
        hooks.free_fn(ptr, hooks.ctx);
    else
        free(ptr);
}

char *vouch_strndup(const char *s, size_t len)
{
    size_t total;
    if (vouch_add_overflow(len, 1, &total) != 0)
        return NULL;
    char *p = vouch_malloc(total);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *vouch_strdup(const char *s)
{
    return s ? vouch_strndup(s, strlen(s)) : NULL;
}
