/*
 * vouch/base64.h - standard base64 (RFC 4648 section 4, with padding), as
 * signed notes, checkpoints, DSSE and Sigstore bundles use it.
 */
#ifndef VOUCH_BASE64_H
#define VOUCH_BASE64_H

#include <stddef.h>

#include "buf.h"
#include "common.h"
#include "error.h"

/* Append the encoding of data[0..len) to out. */
VOUCH_EXTERN int vouch_base64_encode(vouch_buf *out, const void *data, size_t len);

/*
 * Decode s[0..len) into out (room for out_cap bytes); *out_len gets the
 * size. Strict: padding required, no whitespace, non-zero trailing bits
 * refused (one encoding per value). VOUCH_EINVAL when malformed,
 * VOUCH_ETOOBIG when out_cap is too small.
 */
VOUCH_EXTERN int vouch_base64_decode(unsigned char *out, size_t out_cap, size_t *out_len,
                                     const char *s, size_t len, vouch_error *err);

#endif
