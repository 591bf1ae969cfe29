/* digest.c - parsing, formatting and comparing content digests (OCI digest grammar). */
#include <stdio.h>
#include <string.h>

#include "vouch/digest.h"

/* Longest piece of input quoted in an error message. */
#define QUOTE_MAX 80

static const struct {
    const char *name;
    vouch_digest_alg alg;
    size_t len; /* bytes */
} registered[] = {
    {"sha256", VOUCH_DIGEST_SHA256, 32},
    {"sha512", VOUCH_DIGEST_SHA512, 64},
};

#define N_REGISTERED (sizeof(registered) / sizeof(registered[0]))

/* Bounded, printable copy of untrusted input for messages: bytes outside
 * printable ASCII become \xNN, and "..." marks a cut. */
static const char *quote(char *dst, size_t cap, const char *s, size_t len)
{
    size_t o = 0, i = 0;

    for (; i < len && i < QUOTE_MAX && o + 8 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
            dst[o++] = (char)c;
        } else {
            (void)snprintf(dst + o, cap - o, "\\x%02x", c);
            o += 4;
        }
    }
    if (i < len) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

static int is_lower_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int is_separator(unsigned char c)
{
    return c == '+' || c == '.' || c == '_' || c == '-';
}

static int hex_value(unsigned char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Why byte c at offset i breaks the grammar. */
static void bad_char(char *why, size_t cap, unsigned char c, size_t i, const char *part)
{
    if (c == ' ' || (c >= '\t' && c <= '\r'))
        (void)snprintf(why, cap, "whitespace at offset %zu", i);
    else if (c >= 'A' && c <= 'Z' && strcmp(part, "algorithm") == 0)
        (void)snprintf(why, cap, "uppercase letter '%c' in the algorithm", c);
    else if (c >= 0x21 && c < 0x7F && c != '\'' && c != '\\')
        (void)snprintf(why, cap, "invalid character '%c' in the %s at offset %zu", c, part, i);
    else
        (void)snprintf(why, cap, "invalid byte 0x%02x in the %s at offset %zu", c, part, i);
}

/*
 * Check s[0..len) against the OCI grammar (image-spec descriptor.md
 * "Digests"). Returns the length of the algorithm (the offset of ':'), or
 * 0 with a reason in `why`.
 */
static size_t check_grammar(const char *s, size_t len, char *why, size_t cap)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, colon;

    if (len == 0) {
        (void)snprintf(why, cap, "empty");
        return 0;
    }
    /* algorithm := component (separator component)* */
    for (;;) {
        size_t start = i;
        while (i < len && is_lower_alnum(u[i]))
            i++;
        if (i == start) {
            if (i < len && u[i] != ':' && !is_separator(u[i]))
                bad_char(why, cap, u[i], i, "algorithm");
            else if (i == 0)
                (void)snprintf(why, cap, "missing algorithm");
            else
                (void)snprintf(why, cap, "empty component in the algorithm at offset %zu", i);
            return 0;
        }
        if (i < len && is_separator(u[i])) {
            i++;
            continue;
        }
        break;
    }
    if (i == len) {
        (void)snprintf(why, cap, "missing ':' and encoded part");
        return 0;
    }
    if (u[i] != ':') {
        bad_char(why, cap, u[i], i, "algorithm");
        return 0;
    }
    colon = i++;
    /* encoded := [a-zA-Z0-9=_-]+ */
    if (i == len) {
        (void)snprintf(why, cap, "missing encoded part after ':'");
        return 0;
    }
    for (; i < len; i++) {
        unsigned char c = u[i];
        if (!(is_lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-')) {
            bad_char(why, cap, c, i, "encoded part");
            return 0;
        }
    }
    return colon;
}

static int malformed(vouch_error *err, const char *s, size_t len, const char *why)
{
    char q[4 * QUOTE_MAX + 8];
    return vouch_error_set(err, VOUCH_EINVAL, "malformed digest '%s': %s",
                           quote(q, sizeof(q), s, len), why);
}

int vouch_digest_parse(vouch_digest *out, const char *s, size_t len, vouch_error *err)
{
    char why[128];
    size_t alg_len, k;

    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot parse digest: no output");
    memset(out, 0, sizeof(*out));
    if (!s)
        len = 0;
    /* Fast path for the common well-formed sha256 digest: one pass that
     * validates and decodes; anything else takes the full path below,
     * which also explains what is wrong. */
    if (len == 7 + 64 && memcmp(s, "sha256:", 7) == 0) {
        const unsigned char *h = (const unsigned char *)s + 7;
        size_t i;
        for (i = 0; i < 32; i++) {
            if (!is_hex(h[2 * i]) || !is_hex(h[2 * i + 1]))
                break;
            out->bytes[i] = (unsigned char)(hex_value(h[2 * i]) << 4 | hex_value(h[2 * i + 1]));
        }
        if (i == 32) {
            out->alg = VOUCH_DIGEST_SHA256;
            out->len = 32;
            return 0;
        }
        memset(out, 0, sizeof(*out));
    }
    alg_len = check_grammar(s, len, why, sizeof(why));
    if (alg_len == 0)
        return malformed(err, s, len, why);

    for (k = 0; k < N_REGISTERED; k++)
        if (strlen(registered[k].name) == alg_len && memcmp(registered[k].name, s, alg_len) == 0)
            break;
    if (k == N_REGISTERED) {
        char q[4 * QUOTE_MAX + 8];
        return vouch_error_set(err, VOUCH_EINVAL, "unsupported digest algorithm '%s'",
                               quote(q, sizeof(q), s, alg_len));
    }

    /* registered algorithms: image-spec descriptor.md "Registered Algorithms" */
    const unsigned char *hex = (const unsigned char *)s + alg_len + 1;
    size_t hex_len = len - alg_len - 1;
    if (hex_len != 2 * registered[k].len) {
        (void)snprintf(why, sizeof(why), "%s needs %zu hex digits, got %zu", registered[k].name,
                       2 * registered[k].len, hex_len);
        return malformed(err, s, len, why);
    }
    for (size_t i = 0; i < hex_len; i++) {
        if (!is_hex(hex[i])) {
            (void)snprintf(why, sizeof(why), "%s at offset %zu",
                           hex[i] >= 'A' && hex[i] <= 'F' ? "uppercase hex digit"
                                                          : "not a hex digit",
                           alg_len + 1 + i);
            return malformed(err, s, len, why);
        }
    }
    for (size_t i = 0; i < registered[k].len; i++)
        out->bytes[i] = (unsigned char)(hex_value(hex[2 * i]) << 4 | hex_value(hex[2 * i + 1]));
    out->alg = registered[k].alg;
    out->len = registered[k].len;
    return 0;
}

int vouch_digest_parse_str(vouch_digest *out, const char *s, vouch_error *err)
{
    return vouch_digest_parse(out, s, s ? strlen(s) : 0, err);
}

const char *vouch_digest_alg_name(vouch_digest_alg alg)
{
    for (size_t k = 0; k < N_REGISTERED; k++)
        if (registered[k].alg == alg)
            return registered[k].name;
    return NULL;
}

/* The registered entry matching d, or -1 when d is not a valid digest. */
static int entry_of(const vouch_digest *d)
{
    for (size_t k = 0; k < N_REGISTERED; k++)
        if (d && registered[k].alg == d->alg && registered[k].len == d->len)
            return (int)k;
    return -1;
}

size_t vouch_digest_format(char *out, const vouch_digest *d)
{
    int k = entry_of(d);
    if (k < 0) {
        out[0] = '\0';
        return 0;
    }
    size_t n = strlen(registered[k].name);
    memcpy(out, registered[k].name, n);
    out[n++] = ':';
    vouch_hex_encode(out + n, d->bytes, d->len);
    return n + 2 * d->len;
}

int vouch_digest_equal(const vouch_digest *a, const vouch_digest *b)
{
    int ka = entry_of(a), kb = entry_of(b);
    unsigned char acc = 0;

    if (ka < 0 || ka != kb)
        return 0;
    /* Accumulate every difference instead of stopping at the first, so the
     * time taken does not tell how much of a guessed digest was right. */
    for (size_t i = 0; i < a->len; i++)
        acc |= (unsigned char)(a->bytes[i] ^ b->bytes[i]);
    return acc == 0;
}

void vouch_hex_encode(char *out, const unsigned char *in, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xF];
    }
    out[2 * n] = '\0';
}
