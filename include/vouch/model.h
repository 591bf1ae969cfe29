/*
 * vouch/model.h - the two state dimensions of an artifact, checks, source
 * types, and the rules that connect them (DESIGN.md, "Domain model").
 *
 * Trust and lifecycle are independent: nothing here moves one because the
 * other moved. All functions are pure and thread-safe.
 */
#ifndef VOUCH_MODEL_H
#define VOUCH_MODEL_H

#include <stddef.h>

#include "common.h"
#include "error.h"

typedef enum vouch_lifecycle {
    VOUCH_LIFECYCLE_PUBLISHED = 0,
    VOUCH_LIFECYCLE_PROMOTED = 1,
    VOUCH_LIFECYCLE_DEPRECATED = 2,
    VOUCH_LIFECYCLE_RETIRED = 3
} vouch_lifecycle;

typedef enum vouch_trust {
    VOUCH_TRUST_UNVERIFIED = 0,
    VOUCH_TRUST_VERIFIED = 1,
    VOUCH_TRUST_FAILED = 2, /* "failed_verification" */
    VOUCH_TRUST_REVOKED = 3
} vouch_trust;

/* The kinds of check; their order is the order they are shown in. */
typedef enum vouch_check_kind {
    VOUCH_CHECK_DIGEST = 0,
    VOUCH_CHECK_SOURCE,
    VOUCH_CHECK_SIGNATURE,
    VOUCH_CHECK_PROVENANCE,
    VOUCH_CHECK_SBOM,
    VOUCH_CHECK_SCAN,
    VOUCH_CHECK_LOG,
    VOUCH_CHECK__COUNT
} vouch_check_kind;

/* A set of check kinds, bit (1u << kind). */
typedef unsigned vouch_check_set;
#define VOUCH_CHECK_BIT(k) (1u << (unsigned)(k))

typedef enum vouch_check_result {
    VOUCH_CHECK_NOT_RUN = 0,
    VOUCH_CHECK_PASS = 1,
    VOUCH_CHECK_FAIL = 2
} vouch_check_result;

typedef enum vouch_source_type {
    VOUCH_SOURCE_OCI = 0,
    VOUCH_SOURCE_S3,
    VOUCH_SOURCE_HTTP,
    VOUCH_SOURCE_FILE,
    VOUCH_SOURCE_GIT,
    VOUCH_SOURCE_UPLOAD,
    VOUCH_SOURCE__COUNT
} vouch_source_type;

/* Names as they appear in JSON, YAML and on the command line. */
VOUCH_EXTERN const char *vouch_lifecycle_name(vouch_lifecycle s);
VOUCH_EXTERN const char *vouch_trust_name(vouch_trust s);
VOUCH_EXTERN const char *vouch_check_kind_name(vouch_check_kind k);
VOUCH_EXTERN const char *vouch_check_result_name(vouch_check_result r);
VOUCH_EXTERN const char *vouch_source_type_name(vouch_source_type t);

/* Parsers: 0 and *out set, or VOUCH_EINVAL listing the accepted names. */
VOUCH_EXTERN int vouch_lifecycle_parse(vouch_lifecycle *out, const char *s, vouch_error *err);
VOUCH_EXTERN int vouch_trust_parse(vouch_trust *out, const char *s, vouch_error *err);
VOUCH_EXTERN int vouch_check_kind_parse(vouch_check_kind *out, const char *s, vouch_error *err);
VOUCH_EXTERN int vouch_check_result_parse(vouch_check_result *out, const char *s, vouch_error *err);
VOUCH_EXTERN int vouch_source_type_parse(vouch_source_type *out, const char *s, vouch_error *err);

/*
 * Lifecycle transitions of DESIGN.md: published -> promoted;
 * published|promoted -> deprecated|retired; deprecated -> retired;
 * nothing leaves retired. Returns 0 when allowed, else VOUCH_ECONFLICT
 * with a message naming both states.
 */
VOUCH_EXTERN int vouch_lifecycle_check_transition(vouch_lifecycle from, vouch_lifecycle to,
                                                  vouch_error *err);

/*
 * Trust derived from check results against a baseline set: revoked stays
 * revoked; every baseline check passed -> verified; any baseline check
 * that ran and failed -> failed_verification; otherwise unverified. An
 * empty baseline derives verified.
 */
VOUCH_EXTERN vouch_trust vouch_trust_derive(vouch_trust current,
                                            const vouch_check_result results[VOUCH_CHECK__COUNT],
                                            vouch_check_set baseline);

/* Artifact kind names: [a-z0-9][a-z0-9.+-]{0,63} (oci-image, helm-chart, ...). */
VOUCH_EXTERN int vouch_kind_validate(const char *kind, vouch_error *err);

/*
 * Names of projects, channels, environments, groups and actors:
 * [A-Za-z0-9][A-Za-z0-9._-]{0,62}; `what` names the thing in the message.
 */
VOUCH_EXTERN int vouch_name_validate(const char *name, const char *what, vouch_error *err);

#endif
