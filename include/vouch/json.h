/*
 * vouch/json.h - jansson helpers: strict parsing with positioned errors,
 * typed field access, and canonical serialization.
 *
 * Canonical form is RFC 8785 (JSON Canonicalization Scheme): object members
 * sorted by the UTF-16 code units of their names, no insignificant
 * whitespace, strings escaped minimally (only '"', '\\' and control
 * characters, with \b \t \n \f \r short forms and \u00XX lowercase hex for
 * the rest), non-ASCII written as raw UTF-8, numbers in the ECMAScript
 * Number.prototype.toString form (integers beyond 2^53 are refused rather
 * than rounded). vouch hashes canonical bytes wherever a digest of a JSON
 * document is needed (policies, audit events, manifests).
 */
#ifndef VOUCH_JSON_H
#define VOUCH_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "common.h"
#include "error.h"

/* Nesting deeper than this is refused by vouch_json_parse(). */
#define VOUCH_JSON_MAX_DEPTH 64

/*
 * Parse exactly one JSON value from data[0..len). Refuses duplicate object
 * keys, NUL bytes in strings, invalid UTF-8, nesting deeper than
 * VOUCH_JSON_MAX_DEPTH and trailing garbage. On failure *out is NULL and
 * the message says "line L, column C: ...", prefixed by `what` (a name for
 * the document such as "policy file 'p.yaml'"; may be NULL).
 * On success the caller owns *out (json_decref).
 */
VOUCH_EXTERN int vouch_json_parse(json_t **out, const char *data, size_t len, const char *what,
                                  vouch_error *err);

/*
 * Append the RFC 8785 canonical form of `v` to `out`. Fails with
 * VOUCH_EINVAL for values JCS cannot represent (NaN/Inf reals, integers
 * outside +-2^53, invalid UTF-8 in strings) and with the buffer's error
 * when it is full. On failure `out` may hold a partial document: callers
 * reset it.
 */
VOUCH_EXTERN int vouch_json_canonical(vouch_buf *out, const json_t *v, vouch_error *err);

/*
 * Append one JSON string in canonical form (quoted, RFC 8785 escaping) for
 * writers that emit canonical documents with a fixed, pre-sorted set of
 * keys without building a json_t. VOUCH_EINVAL for invalid UTF-8.
 */
VOUCH_EXTERN int vouch_json_canonical_string(vouch_buf *out, const char *s, size_t len,
                                             vouch_error *err);

/* As vouch_json_canonical() into a new NUL-terminated heap string the
 * caller frees with vouch_free(); length in *len_out when not NULL. */
VOUCH_EXTERN int vouch_json_canonical_str(char **out, size_t *len_out, const json_t *v,
                                          vouch_error *err);

/*
 * Typed member access. `obj` must be an object. When the member is absent:
 * required -> VOUCH_EINVAL "missing field 'key'"; optional -> 0 with *out
 * untouched. Present with the wrong type -> VOUCH_EINVAL "field 'key' must
 * be a string" etc. Borrowed results live as long as `obj`.
 */
VOUCH_EXTERN int vouch_json_get_string(const char **out, const json_t *obj, const char *key,
                                       int required, vouch_error *err);
VOUCH_EXTERN int vouch_json_get_int(int64_t *out, const json_t *obj, const char *key, int required,
                                    vouch_error *err);
VOUCH_EXTERN int vouch_json_get_bool(int *out, const json_t *obj, const char *key, int required,
                                     vouch_error *err);

/* VOUCH_EINVAL naming the first member of `obj` whose name is not in the
 * NULL-terminated list `allowed` ("unknown field 'x' in <what>"). */
VOUCH_EXTERN int vouch_json_check_keys(const json_t *obj, const char *const *allowed,
                                       const char *what, vouch_error *err);

/* json_object_set_new() that reports VOUCH_ENOMEM; steals `value` always
 * (also when it is NULL, which is itself reported as VOUCH_ENOMEM). */
VOUCH_EXTERN int vouch_json_set(json_t *obj, const char *key, json_t *value);

#endif
