/*
 * vouch/error.h - error details passed up from where a failure is found.
 *
 * Every fallible call takes a caller-owned `vouch_error *err` as its last
 * parameter (NULL allowed: the caller only wants the code). The message
 * lives in a fixed buffer inside the struct, so an out-of-memory failure
 * can still be described. Messages are lowercase, name what failed first
 * and quote the subject: "cannot promote 'sha256:4f..' to 'prod': not in
 * 'staging'". The first error set wins until vouch_error_clear(): callers
 * higher up pass the code on unchanged instead of overwriting the cause.
 */
#ifndef VOUCH_ERROR_H
#define VOUCH_ERROR_H

#include <stddef.h>

#include "common.h"

#define VOUCH_ERROR_MSG_MAX  512
#define VOUCH_ERROR_RULE_MAX 64

typedef struct vouch_error {
    int code;                          /* 0 or a VOUCH_E* code */
    char message[VOUCH_ERROR_MSG_MAX]; /* NUL-terminated, possibly truncated */
    /* Machine-readable name of the rule that refused, e.g. "from",
     * "promoters", "require.source"; empty when not a policy refusal. */
    char rule[VOUCH_ERROR_RULE_MAX];
} vouch_error;

/* Reset to "no error". */
VOUCH_EXTERN void vouch_error_clear(vouch_error *err);

/*
 * Record `code` with a printf-style message unless `err` already holds an
 * error (the first cause wins). Returns `code` so callers can write
 * `return vouch_error_set(err, VOUCH_EINVAL, "...")`. err may be NULL.
 */
VOUCH_EXTERN int vouch_error_set(vouch_error *err, int code, const char *fmt, ...)
    VOUCH_PRINTF(3, 4);

/* As vouch_error_set() and also names the policy rule that refused. */
VOUCH_EXTERN int vouch_error_set_rule(vouch_error *err, int code, const char *rule, const char *fmt,
                                      ...) VOUCH_PRINTF(4, 5);

/* Stable snake_case name of a code for JSON errors ("not_found", ...). */
VOUCH_EXTERN const char *vouch_error_code_name(int code);

/* Inverse of vouch_error_code_name(); VOUCH_EINTERNAL when unknown. */
VOUCH_EXTERN int vouch_error_code_from_name(const char *name);

/* HTTP status for a code (400, 404, 409, 403, 422, 401, 413, 500, ...). */
VOUCH_EXTERN int vouch_error_http_status(int code);

/* Message of `err` or a generic text for `code` when err carries none. */
VOUCH_EXTERN const char *vouch_error_message(const vouch_error *err, int code);

#endif
