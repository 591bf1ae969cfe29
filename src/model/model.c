/* model.c - state, check and source type names, lifecycle transitions, trust derivation. */
#include <stdio.h>
#include <string.h>

#include "model/model_int.h"
#include "vouch/model.h"

static const char *const lifecycle_names[] = {"published", "promoted", "deprecated", "retired"};
static const char *const trust_names[] = {"unverified", "verified", "failed_verification",
                                          "revoked"};
static const char *const check_names[] = {"digest", "source", "signature", "provenance",
                                          "sbom",   "scan",   "log"};
static const char *const result_names[] = {"not_run", "pass", "fail"};
static const char *const source_names[] = {"oci", "s3", "http", "file", "git", "upload"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* What the name functions return for a value outside the enum. */
static const char invalid_name[] = "invalid";

const char *vouch_model__quote(char *out, const char *s)
{
    size_t o = 0, i = 0;
    if (!s)
        s = "";
    while (s[i] != '\0' && o < 64) {
        unsigned char c = (unsigned char)s[i];
        /* never cut inside a UTF-8 sequence: stop before a lead byte that would not fit */
        size_t seq = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
        if (o + seq > 64)
            break;
        for (size_t k = 0; k < seq && s[i] != '\0'; k++, i++) {
            unsigned char b = (unsigned char)s[i];
            out[o++] = (char)(b < 0x20 || b == 0x7f ? '?' : b);
        }
    }
    if (s[i] != '\0') {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}

static const char *name_at(const char *const *names, size_t n, int v)
{
    if (v < 0 || (size_t)v >= n)
        return invalid_name;
    return names[v];
}

const char *vouch_lifecycle_name(vouch_lifecycle s)
{
    return name_at(lifecycle_names, COUNT(lifecycle_names), (int)s);
}

const char *vouch_trust_name(vouch_trust s)
{
    return name_at(trust_names, COUNT(trust_names), (int)s);
}

const char *vouch_check_kind_name(vouch_check_kind k)
{
    return name_at(check_names, COUNT(check_names), (int)k);
}

const char *vouch_check_result_name(vouch_check_result r)
{
    return name_at(result_names, COUNT(result_names), (int)r);
}

const char *vouch_source_type_name(vouch_source_type t)
{
    return name_at(source_names, COUNT(source_names), (int)t);
}

/* Index of `s` in names, or a VOUCH_EINVAL message listing the accepted names. */
static int parse_name(int *out, const char *const *names, size_t n, const char *s, const char *what,
                      vouch_error *err)
{
    char q[VOUCH_MODEL__QUOTE_MAX];
    char known[256];
    size_t used = 0;

    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    }
    known[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= sizeof(known) - used)
            break;
        used += (size_t)w;
    }
    return vouch_error_set(err, VOUCH_EINVAL, "unknown %s '%s' (known: %s)", what,
                           vouch_model__quote(q, s), known);
}

int vouch_lifecycle_parse(vouch_lifecycle *out, const char *s, vouch_error *err)
{
    int v = 0;
    int rc = parse_name(&v, lifecycle_names, COUNT(lifecycle_names), s, "lifecycle state", err);
    if (rc == 0)
        *out = (vouch_lifecycle)v;
    return rc;
}

int vouch_trust_parse(vouch_trust *out, const char *s, vouch_error *err)
{
    int v = 0;
    int rc = parse_name(&v, trust_names, COUNT(trust_names), s, "trust state", err);
    if (rc == 0)
        *out = (vouch_trust)v;
    return rc;
}

int vouch_check_kind_parse(vouch_check_kind *out, const char *s, vouch_error *err)
{
    int v = 0;
    int rc = parse_name(&v, check_names, COUNT(check_names), s, "check", err);
    if (rc == 0)
        *out = (vouch_check_kind)v;
    return rc;
}

int vouch_check_result_parse(vouch_check_result *out, const char *s, vouch_error *err)
{
    int v = 0;
    int rc = parse_name(&v, result_names, COUNT(result_names), s, "check result", err);
    if (rc == 0)
        *out = (vouch_check_result)v;
    return rc;
}

int vouch_source_type_parse(vouch_source_type *out, const char *s, vouch_error *err)
{
    int v = 0;
    int rc = parse_name(&v, source_names, COUNT(source_names), s, "source type", err);
    if (rc == 0)
        *out = (vouch_source_type)v;
    return rc;
}

/* allowed[from] has bit (1 << to) set for each permitted move (DESIGN.md). */
static const unsigned lifecycle_moves[] = {
    [VOUCH_LIFECYCLE_PUBLISHED] = (1u << VOUCH_LIFECYCLE_PROMOTED) |
                                  (1u << VOUCH_LIFECYCLE_DEPRECATED) |
                                  (1u << VOUCH_LIFECYCLE_RETIRED),
    [VOUCH_LIFECYCLE_PROMOTED] =
        (1u << VOUCH_LIFECYCLE_DEPRECATED) | (1u << VOUCH_LIFECYCLE_RETIRED),
    [VOUCH_LIFECYCLE_DEPRECATED] = (1u << VOUCH_LIFECYCLE_RETIRED),
    [VOUCH_LIFECYCLE_RETIRED] = 0,
};

int vouch_lifecycle_check_transition(vouch_lifecycle from, vouch_lifecycle to, vouch_error *err)
{
    int f = (int)from, t = (int)to;
    if (f < 0 || (size_t)f >= COUNT(lifecycle_moves) || t < 0 ||
        (size_t)t >= COUNT(lifecycle_names))
        return vouch_error_set(err, VOUCH_EINVAL, "invalid lifecycle state %d -> %d", f, t);
    if (lifecycle_moves[f] & (1u << (unsigned)t))
        return 0;
    if (f == t)
        return vouch_error_set(err, VOUCH_ECONFLICT,
                               "cannot move lifecycle from '%s' to '%s': it is already '%s'",
                               lifecycle_names[f], lifecycle_names[t], lifecycle_names[f]);
    if (from == VOUCH_LIFECYCLE_RETIRED)
        return vouch_error_set(err, VOUCH_ECONFLICT,
                               "cannot move lifecycle from '%s' to '%s': nothing leaves '%s'",
                               lifecycle_names[f], lifecycle_names[t], lifecycle_names[f]);
    return vouch_error_set(err, VOUCH_ECONFLICT, "cannot move lifecycle from '%s' to '%s'",
                           lifecycle_names[f], lifecycle_names[t]);
}

vouch_trust vouch_trust_derive(vouch_trust current,
                               const vouch_check_result results[VOUCH_CHECK__COUNT],
                               vouch_check_set baseline)
{
    int all_pass = 1, any_fail = 0;

    if (current == VOUCH_TRUST_REVOKED)
        return VOUCH_TRUST_REVOKED;
    for (unsigned k = 0; k < (unsigned)VOUCH_CHECK__COUNT; k++) {
        if (!(baseline & VOUCH_CHECK_BIT(k)))
            continue;
        if (results[k] != VOUCH_CHECK_PASS)
            all_pass = 0;
        if (results[k] == VOUCH_CHECK_FAIL)
            any_fail = 1;
    }
    if (all_pass)
        return VOUCH_TRUST_VERIFIED;
    return any_fail ? VOUCH_TRUST_FAILED : VOUCH_TRUST_UNVERIFIED;
}

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
    return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

int vouch_kind_validate(const char *kind, vouch_error *err)
{
    char q[VOUCH_MODEL__QUOTE_MAX];
    size_t n = kind ? strlen(kind) : 0;
    int ok = n >= 1 && n <= 64 && is_lower_alnum(kind[0]);

    for (size_t i = 1; ok && i < n; i++)
        ok = is_lower_alnum(kind[i]) || kind[i] == '.' || kind[i] == '+' || kind[i] == '-';
    if (ok)
        return 0;
    if (n == 0)
        return vouch_error_set(err, VOUCH_EINVAL, "invalid kind '': must not be empty");
    return vouch_error_set(err, VOUCH_EINVAL,
                           "invalid kind '%s': use 1-64 of a-z 0-9 . + -, starting with a-z "
                           "or 0-9 (e.g. oci-image, helm-chart)",
                           vouch_model__quote(q, kind));
}

int vouch_name_validate(const char *name, const char *what, vouch_error *err)
{
    char q[VOUCH_MODEL__QUOTE_MAX];
    size_t n = name ? strlen(name) : 0;
    int ok = n >= 1 && n <= 63 && is_alnum(name[0]);

    for (size_t i = 1; ok && i < n; i++)
        ok = is_alnum(name[i]) || name[i] == '.' || name[i] == '_' || name[i] == '-';
    if (ok)
        return 0;
    if (n == 0)
        return vouch_error_set(err, VOUCH_EINVAL, "invalid %s%sname '': must not be empty",
                               what ? what : "", what ? " " : "");
    return vouch_error_set(err, VOUCH_EINVAL,
                           "invalid %s%sname '%s': use 1-63 of A-Z a-z 0-9 . _ -, starting "
                           "with a letter or digit",
                           what ? what : "", what ? " " : "", vouch_model__quote(q, name));
}
