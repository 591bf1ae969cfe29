/*
 * vouch/hash.h - SHA-256/SHA-512 of bytes, files, stdin and HTTP bodies in
 * constant memory (64 KiB chunks), producing vouch_digest values.
 */
#ifndef VOUCH_HASH_H
#define VOUCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "digest.h"
#include "error.h"
#include "fetch.h"

typedef struct vouch_hasher vouch_hasher; /* opaque */

/* New streaming hasher; caller frees with vouch_hasher_free(). */
VOUCH_EXTERN int vouch_hasher_new(vouch_hasher **out, vouch_digest_alg alg, vouch_error *err);
VOUCH_EXTERN int vouch_hasher_update(vouch_hasher *h, const void *data, size_t len,
                                     vouch_error *err);
/* Finish into *out; the hasher may not be updated afterwards. */
VOUCH_EXTERN int vouch_hasher_final(vouch_hasher *h, vouch_digest *out, vouch_error *err);
VOUCH_EXTERN void vouch_hasher_free(vouch_hasher *h);

VOUCH_EXTERN int vouch_hash_bytes(vouch_digest *out, vouch_digest_alg alg, const void *data,
                                  size_t len, vouch_error *err);

/*
 * Hash everything readable from `fd` (a file, a pipe, stdin) until EOF.
 * Refuses with VOUCH_ETOOBIG once more than max_size bytes were read
 * (0: no limit). Bytes read go to *size_out when not NULL.
 */
VOUCH_EXTERN int vouch_hash_fd(vouch_digest *out, vouch_digest_alg alg, int fd, uint64_t max_size,
                               uint64_t *size_out, vouch_error *err);

/* Open `path` read-only (no device files, FIFOs follow fd rules) and hash
 * it. Missing file: VOUCH_ENOTFOUND; unreadable or a directory: VOUCH_EIO. */
VOUCH_EXTERN int vouch_hash_file(vouch_digest *out, vouch_digest_alg alg, const char *path,
                                 uint64_t max_size, uint64_t *size_out, vouch_error *err);

/* Fetch an http(s) URL (see fetch.h for options and errors) and hash its body. */
VOUCH_EXTERN int vouch_hash_url(vouch_digest *out, vouch_digest_alg alg, const char *url,
                                const vouch_fetch_opts *opts, uint64_t *size_out, vouch_error *err);

#endif
