/*
 * vouch/buf.h - growable byte buffer and borrowed slices.
 *
 * Invariants of a vouch_buf (as git's strbuf and curl's dynbuf):
 *  - ptr is never NULL after init: it points at a static "" until the first
 *    append, and the content is always NUL-terminated (ptr[len] == '\0');
 *  - len never exceeds max; an append that would is refused with
 *    VOUCH_ETOOBIG and leaves the buffer as it was;
 *  - after a failed append the buffer is "sticky": `failed` holds the code
 *    and every later append fails fast with it until vouch_buf_reset() or
 *    vouch_buf_release(); so a series of appends can be checked once.
 */
#ifndef VOUCH_BUF_H
#define VOUCH_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "common.h"

#define VOUCH_BUF_DEFAULT_MAX ((size_t)64 * 1024 * 1024)

typedef struct vouch_buf {
    char *ptr;
    size_t len;
    size_t cap; /* 0 while ptr is the static empty string */
    size_t max; /* hard cap on len */
    int failed; /* 0 or the VOUCH_E* code of the first failed append */
} vouch_buf;

/* Initialize an empty buffer that may grow to `max` bytes (0: default). */
VOUCH_EXTERN void vouch_buf_init(vouch_buf *b, size_t max);
/* Free the storage and re-initialize (keeps max). */
VOUCH_EXTERN void vouch_buf_release(vouch_buf *b);
/* Set len to 0 and clear the sticky error, keeping the storage. */
VOUCH_EXTERN void vouch_buf_reset(vouch_buf *b);
/* Ensure room for `extra` more bytes (+ NUL). */
VOUCH_EXTERN int vouch_buf_grow(vouch_buf *b, size_t extra);
VOUCH_EXTERN int vouch_buf_append(vouch_buf *b, const void *data, size_t len);
VOUCH_EXTERN int vouch_buf_puts(vouch_buf *b, const char *s);
VOUCH_EXTERN int vouch_buf_putc(vouch_buf *b, char c);
VOUCH_EXTERN int vouch_buf_printf(vouch_buf *b, const char *fmt, ...) VOUCH_PRINTF(2, 3);
VOUCH_EXTERN int vouch_buf_vprintf(vouch_buf *b, const char *fmt, va_list ap) VOUCH_PRINTF(2, 0);
/* Shrink to `len` bytes (no-op when len >= b->len). */
VOUCH_EXTERN void vouch_buf_truncate(vouch_buf *b, size_t len);
/*
 * Hand the content to the caller: returns a NUL-terminated heap string the
 * caller frees with vouch_free() (an empty allocated string when the
 * buffer is empty; NULL only on allocation failure), and stores its length
 * in *len_out when not NULL. The buffer is re-initialized.
 */
VOUCH_EXTERN char *vouch_buf_detach(vouch_buf *b, size_t *len_out);

/* A borrowed view of bytes owned elsewhere; never freed through the slice. */
typedef struct vouch_slice {
    const char *ptr;
    size_t len;
} vouch_slice;

static inline vouch_slice vouch_slice_make(const char *ptr, size_t len)
{
    vouch_slice s;
    s.ptr = ptr;
    s.len = len;
    return s;
}

#endif
