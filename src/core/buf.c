/* buf.c - the growable buffer; its invariants are stated in vouch/buf.h. */
#include <stdio.h>
#include <string.h>

#include "vouch/alloc.h"
#include "vouch/buf.h"

static char empty_string[1];

void vouch_buf_init(vouch_buf *b, size_t max)
{
    b->ptr = empty_string;
    b->len = 0;
    b->cap = 0;
    b->max = max ? max : VOUCH_BUF_DEFAULT_MAX;
    b->failed = 0;
}

void vouch_buf_release(vouch_buf *b)
{
    size_t max = b->max;
    if (b->cap)
        vouch_free(b->ptr);
    vouch_buf_init(b, max);
}

void vouch_buf_reset(vouch_buf *b)
{
    b->len = 0;
    if (b->cap)
        b->ptr[0] = '\0';
    b->failed = 0;
}

int vouch_buf_grow(vouch_buf *b, size_t extra)
{
    size_t need;
    if (b->failed)
        return b->failed;
    if (vouch_add_overflow(b->len, extra, &need) != 0 || need > b->max) {
        b->failed = VOUCH_ETOOBIG;
        return b->failed;
    }
    if (need + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need + 1)
        cap = cap > ((size_t)-1) / 2 ? need + 1 : cap * 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    char *p = vouch_realloc(b->cap ? b->ptr : NULL, cap);
    if (!p) {
        b->failed = VOUCH_ENOMEM;
        return b->failed;
    }
    if (!b->cap)
        p[0] = '\0';
    b->ptr = p;
    b->cap = cap;
    return 0;
}

int vouch_buf_append(vouch_buf *b, const void *data, size_t len)
{
    int rc = vouch_buf_grow(b, len);
    if (rc)
        return rc;
    if (len)
        memcpy(b->ptr + b->len, data, len);
    b->len += len;
    b->ptr[b->len] = '\0';
    return 0;
}

int vouch_buf_puts(vouch_buf *b, const char *s)
{
    return vouch_buf_append(b, s, strlen(s));
}

int vouch_buf_putc(vouch_buf *b, char c)
{
    return vouch_buf_append(b, &c, 1);
}

VOUCH_PRINTF(2, 0) int vouch_buf_vprintf(vouch_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    char small[256];
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof(small), fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return b->failed ? b->failed : (b->failed = VOUCH_EINTERNAL);
    if ((size_t)n < sizeof(small))
        return vouch_buf_append(b, small, (size_t)n);
    int rc = vouch_buf_grow(b, (size_t)n);
    if (rc)
        return rc;
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int vouch_buf_printf(vouch_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vouch_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void vouch_buf_truncate(vouch_buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->ptr[len] = '\0';
}

char *vouch_buf_detach(vouch_buf *b, size_t *len_out)
{
    char *p;
    if (b->cap) {
        p = b->ptr;
    } else {
        p = vouch_malloc(1);
        if (!p)
            return NULL;
        p[0] = '\0';
    }
    if (len_out)
        *len_out = b->len;
    vouch_buf_init(b, b->max);
    return p;
}
