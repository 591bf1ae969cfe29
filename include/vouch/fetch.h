/*
 * vouch/fetch.h - streaming HTTP(S) GET through libcurl.
 *
 * The body is handed to a callback chunk by chunk, so memory stays
 * constant whatever the size. Only http:// and https:// are accepted
 * (also for redirects); TLS is verified.
 */
#ifndef VOUCH_FETCH_H
#define VOUCH_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"

typedef struct vouch_fetch_opts {
    uint64_t max_size;      /* refuse bodies larger than this (0: no limit) */
    long timeout_seconds;   /* whole transfer (0: 300) */
    long connect_timeout;   /* seconds (0: 30) */
    int max_redirects;      /* (0: 5; negative: follow none) */
    const char *user_agent; /* NULL: "vouch/<version>" */
} vouch_fetch_opts;

/* Receives each chunk of the body; return 0 to go on, a VOUCH_E* code to
 * abort the transfer (that code is then returned by vouch_fetch()). */
typedef int (*vouch_fetch_sink)(const void *data, size_t len, void *ctx);

/*
 * GET `url`, streaming the body to `sink`. Non-2xx status ->
 * VOUCH_ENOTFOUND for 404/410, VOUCH_EIO otherwise, naming the status;
 * transport failures -> VOUCH_EIO with curl's reason; a body over
 * max_size -> VOUCH_ETOOBIG; a scheme other than http/https -> VOUCH_EINVAL.
 * opts may be NULL. Bytes received go to *size_out when not NULL.
 */
VOUCH_EXTERN int vouch_fetch(const char *url, const vouch_fetch_opts *opts, vouch_fetch_sink sink,
                             void *ctx, uint64_t *size_out, vouch_error *err);

#endif
