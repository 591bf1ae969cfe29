/*
 * vouch/policy.h - a project's policy: what "verified" means, which sources
 * are allowed, and the ordered channels with their promotion rules.
 *
 * A policy document is YAML or JSON with the same meaning (schema:
 * schema/policy.schema.json). Parsing validates everything a promotion
 * will rely on, so a stored policy is always usable: apiVersion and kind,
 * no unknown fields, known check names, unique channel names, `from`
 * naming an existing channel and no `from` cycles, groups referenced by
 * "@group" defined, environments unique per channel, source types known.
 *
 * The policy's identity is the sha256 digest of the canonical JSON (RFC
 * 8785) of its normalized form (vouch_policy_to_json), so a YAML file and
 * the equivalent JSON file have the same digest.
 *
 * A vouch_policy is immutable after parsing and safe to share between
 * threads.
 */
#ifndef VOUCH_POLICY_H
#define VOUCH_POLICY_H

#include <stddef.h>

#include <jansson.h>

#include "common.h"
#include "digest.h"
#include "error.h"
#include "model.h"

/* Policy documents larger than this are refused (VOUCH_ETOOBIG). */
#define VOUCH_POLICY_MAX_BYTES ((size_t)1024 * 1024)

typedef struct vouch_policy vouch_policy;

/* One channel rule; borrowed from its policy, valid while the policy lives. */
typedef struct vouch_channel_rule {
    const char *name;
    const char *from;             /* channel that must come first, or NULL */
    vouch_check_set require;      /* checks that must pass to enter */
    const char *const *promoters; /* "*", "@group" or actor names */
    size_t promoters_count;
    int allow_non_oci; /* effective: channel value or project default */
    const char *const *environments;
    size_t environments_count; /* 0: the channel has no environments */
} vouch_channel_rule;

/*
 * Parse and validate a policy document. Format is detected: a document
 * whose first non-blank byte is '{' is JSON, anything else YAML (YAML
 * anchors, aliases, tags other than the core schema, and multiple
 * documents are refused). `what` names the input in messages (e.g. the
 * file name). On success the caller owns *out (vouch_policy_free).
 */
VOUCH_EXTERN int vouch_policy_parse(vouch_policy **out, const char *data, size_t len,
                                    const char *what, vouch_error *err);

/* The policy a new project gets: channels dev, test, staging, prod (each
 * `from` the previous, each requiring [digest]), baseline [digest],
 * promoters ["*"], allowNonOci true, no sources. */
VOUCH_EXTERN int vouch_policy_default(vouch_policy **out, vouch_error *err);

VOUCH_EXTERN void vouch_policy_free(vouch_policy *p);

/* sha256 of the canonical JSON of the normalized document. */
VOUCH_EXTERN const vouch_digest *vouch_policy_digest(const vouch_policy *p);

/* "sha256:<hex>" of vouch_policy_digest(); borrowed. */
VOUCH_EXTERN const char *vouch_policy_digest_str(const vouch_policy *p);

/*
 * Canonical JSON text of the normalized document (the bytes that were
 * hashed); borrowed. Re-parsing it yields the same policy and digest.
 */
VOUCH_EXTERN const char *vouch_policy_canonical(const vouch_policy *p, size_t *len_out);

/* Normalized document as a new JSON object (caller json_decref). Defaults
 * are made explicit: every channel shows from (or null), require,
 * promoters, allowNonOci and environments. */
VOUCH_EXTERN json_t *vouch_policy_to_json(const vouch_policy *p);

VOUCH_EXTERN vouch_check_set vouch_policy_baseline(const vouch_policy *p);
VOUCH_EXTERN int vouch_policy_allow_non_oci(const vouch_policy *p);

VOUCH_EXTERN size_t vouch_policy_channel_count(const vouch_policy *p);
/* i < channel_count, in document order. */
VOUCH_EXTERN const vouch_channel_rule *vouch_policy_channel_at(const vouch_policy *p, size_t i);
/* NULL when there is no channel of that name. */
VOUCH_EXTERN const vouch_channel_rule *vouch_policy_channel(const vouch_policy *p,
                                                            const char *name);

/* 1 when `actor` may promote into `rule` ("*", a literal name, or member
 * of an "@group"), else 0. */
VOUCH_EXTERN int vouch_policy_is_promoter(const vouch_policy *p, const vouch_channel_rule *rule,
                                          const char *actor);

/*
 * Match an artifact source against the allowlist. Returns 1 and sets
 * *matched (borrowed, may be NULL) to the matching entry's pattern, or 0
 * when no entry of that type matches. Patterns: '*' matches any run of
 * characters except '/', '**' any run including '/', everything else
 * literally.
 */
VOUCH_EXTERN int vouch_policy_source_allowed(const vouch_policy *p, vouch_source_type type,
                                             const char *uri, const char **matched);

/* The glob used by the allowlist, exposed for tests and tooling. */
VOUCH_EXTERN int vouch_glob_match(const char *pattern, const char *text);

#endif
