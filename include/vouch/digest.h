/*
 * vouch/digest.h - content digests in the OCI digest grammar.
 *
 *   digest    := algorithm ":" encoded
 *   algorithm := component (separator component)*   component := [a-z0-9]+
 *   separator := [+._-]                               encoded  := [a-zA-Z0-9=_-]+
 *
 * vouch accepts the registered algorithms sha256 (64 lowercase hex) and
 * sha512 (128 lowercase hex). Anything else that fits the grammar is an
 * "unsupported algorithm" error; anything outside the grammar (uppercase,
 * whitespace, wrong length, missing parts) is a "malformed digest" error.
 */
#ifndef VOUCH_DIGEST_H
#define VOUCH_DIGEST_H

#include <stddef.h>

#include "common.h"
#include "error.h"

typedef enum vouch_digest_alg { VOUCH_DIGEST_SHA256 = 1, VOUCH_DIGEST_SHA512 = 2 } vouch_digest_alg;

#define VOUCH_DIGEST_MAX_BYTES 64
/* Longest formatted digest including the NUL: "sha512:" + 128 hex + NUL. */
#define VOUCH_DIGEST_STR_MAX 136

typedef struct vouch_digest {
    vouch_digest_alg alg;
    size_t len; /* 32 or 64 */
    unsigned char bytes[VOUCH_DIGEST_MAX_BYTES];
} vouch_digest;

/* Parse s[0..len) (not necessarily NUL-terminated). On failure *out is
 * zeroed and err says what is wrong, quoting (a bounded prefix of) input. */
VOUCH_EXTERN int vouch_digest_parse(vouch_digest *out, const char *s, size_t len, vouch_error *err);

/* Parse a NUL-terminated string. */
VOUCH_EXTERN int vouch_digest_parse_str(vouch_digest *out, const char *s, vouch_error *err);

/* Write "alg:hex" into out (size >= VOUCH_DIGEST_STR_MAX). Returns length. */
VOUCH_EXTERN size_t vouch_digest_format(char *out, const vouch_digest *d);

/* "sha256" / "sha512"; NULL for an invalid value. */
VOUCH_EXTERN const char *vouch_digest_alg_name(vouch_digest_alg alg);

/* 1 when both name the same algorithm and bytes (constant time in bytes). */
VOUCH_EXTERN int vouch_digest_equal(const vouch_digest *a, const vouch_digest *b);

/* Lowercase hex of n bytes into out (size >= 2n+1). */
VOUCH_EXTERN void vouch_hex_encode(char *out, const unsigned char *in, size_t n);

#endif
