/*
 * model_int.h - helpers shared by the files of src/model/ (not public).
 */
#ifndef VOUCH_MODEL_INT_H
#define VOUCH_MODEL_INT_H

#include <stddef.h>

#include <jansson.h>

#include "vouch/digest.h"
#include "vouch/error.h"
#include "vouch/policy.h"

/* Room for a quoted subject in a message: 64 bytes, "..." and the NUL. */
#define VOUCH_MODEL__QUOTE_MAX 72

/*
 * Copy a bounded, printable rendering of `s` into out[VOUCH_MODEL__QUOTE_MAX]
 * for use inside an error message: control bytes become '?', and text past
 * 64 bytes is cut at a UTF-8 boundary and marked with "...". Returns out.
 */
const char *vouch_model__quote(char *out, const char *s);

/*
 * Convert a YAML document (libyaml, YAML 1.2 core schema as far as a policy
 * needs it) into a JSON tree. Refuses anchors, aliases, tags outside the
 * core schema, tag directives, several documents, non-scalar and duplicate
 * mapping keys, NUL bytes in scalars and nesting deeper than
 * VOUCH_JSON_MAX_DEPTH. Messages read "<prefix>: line L, column C: ...".
 * On success the caller owns *out (json_decref); on failure *out is NULL.
 */
int vouch_model__yaml_parse(json_t **out, const char *data, size_t len, const char *prefix,
                            vouch_error *err);

/* Limits of a policy document beyond VOUCH_POLICY_MAX_BYTES (docs/policy.md). */
#define VOUCH_MODEL__MAX_CHANNELS     64
#define VOUCH_MODEL__MAX_GROUPS       256
#define VOUCH_MODEL__MAX_MEMBERS      1024
#define VOUCH_MODEL__MAX_SOURCES      1024
#define VOUCH_MODEL__MAX_PROMOTERS    256
#define VOUCH_MODEL__MAX_ENVIRONMENTS 64
#define VOUCH_MODEL__MAX_MATCH        1024

typedef struct vouch_model__group {
    const char *name;
    const char **members;
    size_t count;
} vouch_model__group;

typedef struct vouch_model__source {
    vouch_source_type type;
    const char *match;
} vouch_model__source;

/*
 * Every string of a policy is borrowed from `doc`, the validated document
 * tree it was parsed from; the policy holds the only reference to it and
 * never changes it, so reading a policy from several threads is safe.
 */
struct vouch_policy {
    json_t *doc;
    vouch_check_set baseline;
    int allow_non_oci;
    vouch_model__group *groups;
    size_t group_count;
    vouch_model__source *sources;
    size_t source_count;
    vouch_channel_rule *channels;
    size_t channel_count;
    char *canonical;
    size_t canonical_len;
    vouch_digest digest;
    char digest_str[VOUCH_DIGEST_STR_MAX];
};

/*
 * Validate `doc` (borrowed; the caller stores it in p->doc) and fill the
 * rules of `p` (zeroed by the caller). Messages start with `prefix` and
 * name the place: "<prefix>: channels[2] ('staging'): unknown check ...".
 * On failure `p` may be partly filled: vouch_model__policy_release() it.
 */
int vouch_model__policy_build(vouch_policy *p, const json_t *doc, const char *prefix,
                              vouch_error *err);

/* Free the arrays filled by vouch_model__policy_build() (not doc, not p). */
void vouch_model__policy_release(vouch_policy *p);

#endif
