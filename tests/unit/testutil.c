/* testutil.c - helpers shared by the unit tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "vouch/alloc.h"

char *tu_read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        if (n == 0)
            break;
        len += n;
    }
    fclose(f);
    buf[len] = '\0';
    if (len_out)
        *len_out = len;
    return buf;
}

const char *tu_vector_path(const char *relative)
{
    static char path[4096];
    snprintf(path, sizeof(path), "%s/vectors/%s", VOUCH_SPECS_DIR, relative);
    return path;
}

const char *tu_tmpdir(void)
{
    static char path[256];
    const char *base = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/vouch-test-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(path))
        return NULL;
    return path;
}

void tu_rmrf(const char *path)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", path);
}

static long fail_at;
static long seen;

static void *hook_malloc(size_t n, void *ctx)
{
    (void)ctx;
    seen++;
    if (fail_at && seen >= fail_at)
        return NULL;
    return malloc(n);
}

static void *hook_realloc(void *p, size_t n, void *ctx)
{
    (void)ctx;
    seen++;
    if (fail_at && seen >= fail_at)
        return NULL;
    return realloc(p, n);
}

static void hook_free(void *p, void *ctx)
{
    (void)ctx;
    free(p);
}

void tu_fail_alloc_after(long n)
{
    static const vouch_alloc_hooks hooks = {hook_malloc, hook_realloc, hook_free, NULL};
    fail_at = n;
    seen = 0;
    vouch_alloc_set_hooks(&hooks);
}

long tu_alloc_count(void)
{
    return seen;
}
