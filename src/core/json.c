/* json.c - strict JSON parsing over jansson, typed member access and RFC 8785 serialization. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vouch/alloc.h"
#include "vouch/json.h"

/* Longest piece of input quoted in an error message. */
#define QUOTE_MAX 80

/* Integers beyond this lose precision in an IEEE double, which is what
 * every JCS consumer reads numbers as (RFC 8785 3.2.2.3). */
#define JCS_INT_MAX ((json_int_t)9007199254740992LL)

/*
 * Decode one UTF-8 sequence at s[*i] (s has len bytes), advancing *i.
 * Rejects overlong forms, surrogates and code points above U+10FFFF, as
 * jansson does (RFC 3629 4), so that text it accepts we accept too.
 */
static int utf8_next(const unsigned char *s, size_t len, size_t *i, uint32_t *cp)
{
    unsigned char c = s[*i];
    size_t n;
    uint32_t v, min;

    if (c < 0x80) {
        *cp = c;
        *i += 1;
        return 0;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 2, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, v = c & 0x07u, min = 0x10000;
    } else {
        return -1;
    }
    if (len - *i <= n)
        return -1;
    for (size_t k = 1; k <= n; k++) {
        unsigned char cc = s[*i + k];
        if ((cc & 0xC0) != 0x80)
            return -1;
        v = (v << 6) | (cc & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return -1;
    *cp = v;
    *i += n + 1;
    return 0;
}

static int utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    uint32_t cp;
    while (i < len)
        if (utf8_next((const unsigned char *)s, len, &i, &cp) != 0)
            return 0;
    return 1;
}

/*
 * Copy at most QUOTE_MAX bytes of s into dst for an error message: valid
 * UTF-8 is kept, control characters and stray bytes become \xNN so that a
 * message is always printable and itself valid UTF-8.
 */
static const char *quote(char *dst, size_t cap, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, o = 0;

    while (i < len && i < QUOTE_MAX) {
        size_t j = i;
        uint32_t cp;
        if (u[i] >= 0x20 && u[i] != 0x7F && utf8_next(u, len, &j, &cp) == 0) {
            if (o + (j - i) + 4 >= cap)
                break;
            memcpy(dst + o, s + i, j - i);
            o += j - i;
            i = j;
        } else {
            if (o + 4 + 4 >= cap)
                break;
            (void)snprintf(dst + o, cap - o, "\\x%02x", u[i]);
            o += 4;
            i++;
        }
    }
    if (i < len && o + 3 < cap) {
        memcpy(dst + o, "...", 3);
        o += 3;
    }
    dst[o] = '\0';
    return dst;
}

/* ---- parsing ------------------------------------------------------------ */

/*
 * Find the first '[' or '{' that opens a container deeper than
 * VOUCH_JSON_MAX_DEPTH, skipping string contents. Only a position finder:
 * jansson still validates everything.
 */
static int find_depth_violation(const char *data, size_t len, size_t *off)
{
    size_t depth = 0;
    int in_string = 0;

    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '[' || c == '{') {
            if (++depth > VOUCH_JSON_MAX_DEPTH) {
                *off = i;
                return 1;
            }
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return 0;
}

/* Line and column (counted in characters, as jansson does) of data[off]. */
static void position_of(const char *data, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 0;
    for (size_t i = 0; i <= off; i++) {
        if (data[i] == '\n') {
            (*line)++;
            *col = 0;
        } else if (((unsigned char)data[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static int parse_error(vouch_error *err, const char *what, const json_error_t *je)
{
    char text[2 * sizeof(je->text)];
    int code = VOUCH_EINVAL;
    const char *prefix = what ? what : "invalid json";

    /* json_loadb() returns without any text when its lexer cannot
     * allocate its first buffer */
    switch (je->text[0] ? json_error_code(je) : json_error_out_of_memory) {
    case json_error_out_of_memory:
        code = VOUCH_ENOMEM;
        (void)snprintf(text, sizeof(text), "out of memory");
        break;
    case json_error_null_character:
        /* jansson's own text names its JSON_ALLOW_NUL flag */
        (void)snprintf(text, sizeof(text), "\\u0000 is not allowed in strings");
        break;
    default:
        quote(text, sizeof(text), je->text, strnlen(je->text, sizeof(je->text) - 1));
        break;
    }
    if (je->line < 0)
        return vouch_error_set(err, code, "%s: %s", prefix, text);
    return vouch_error_set(err, code, "%s: line %d, column %d: %s", prefix, je->line, je->column,
                           text);
}

int vouch_json_parse(json_t **out, const char *data, size_t len, const char *what, vouch_error *err)
{
    json_error_t je;
    size_t deep_off = 0;
    int deep, line, col;

    if (!out)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot parse json: no output");
    *out = NULL;
    if (!data && len)
        return vouch_error_set(err, VOUCH_EINVAL, "cannot parse json: no input");
    if (!data)
        data = "";

    memset(&je, 0, sizeof(je));
    deep = find_depth_violation(data, len, &deep_off);
    /* Trailing garbage is refused because JSON_DISABLE_EOF_CHECK is not set. */
    json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
    if (!v && (!deep || je.position < 0 || (size_t)je.position <= deep_off))
        return parse_error(err, what, &je);
    if (deep) {
        /* The first problem in reading order is the one reported. */
        json_decref(v);
        position_of(data, deep_off, &line, &col);
        return vouch_error_set(err, VOUCH_EINVAL,
                               "%s: line %d, column %d: nesting deeper than %d levels",
                               what ? what : "invalid json", line, col, VOUCH_JSON_MAX_DEPTH);
    }
    *out = v;
    return 0;
}

/* ---- canonical form (RFC 8785) ------------------------------------------ */

static int canon_fail(vouch_error *err, int code, const char *why)
{
    return vouch_error_set(err, code, "cannot canonicalize json: %s", why);
}

static int buf_fail(vouch_buf *out, vouch_error *err)
{
    if (out->failed == VOUCH_ETOOBIG)
        return canon_fail(err, VOUCH_ETOOBIG, "output larger than the buffer limit");
    return canon_fail(err, out->failed ? out->failed : VOUCH_ENOMEM, "out of memory");
}

/* RFC 8785 3.2.2.2: only '"', '\\' and C0 controls are escaped; the rest
 * (DEL and all non-ASCII included) is written as raw UTF-8. */
static int put_string(vouch_buf *out, const char *s, size_t len, vouch_error *err)
{
    static const char hex[] = "0123456789abcdef";
    static const char from[] = "\"\\\b\t\n\f\r", to[] = "\"\\btnfr";
    size_t run = 0, plain = 0;

    /* Fast path: printable ASCII without '"' or '\\' is copied as is (digests,
     * names, times: nearly every string vouch writes). */
    while (plain < len && (unsigned char)s[plain] >= 0x20 && (unsigned char)s[plain] < 0x7f &&
           s[plain] != '"' && s[plain] != '\\')
        plain++;
    if (plain == len) {
        if (vouch_buf_grow(out, len + 2) != 0)
            return buf_fail(out, err);
        out->ptr[out->len] = '"';
        memcpy(out->ptr + out->len + 1, s, len);
        out->ptr[out->len + 1 + len] = '"';
        out->len += len + 2;
        out->ptr[out->len] = '\0';
        return 0;
    }
    if (!utf8_valid(s + plain, len - plain))
        return canon_fail(err, VOUCH_EINVAL, "string is not valid utf-8");
    vouch_buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        vouch_buf_append(out, s + run, i - run);
        run = i + 1;
        const char *p = memchr(from, c, sizeof(from) - 1);
        if (p) {
            char esc[2] = {'\\', to[p - from]};
            vouch_buf_append(out, esc, 2);
        } else {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            vouch_buf_append(out, esc, 6);
        }
    }
    vouch_buf_append(out, s + run, len - run);
    vouch_buf_putc(out, '"');
    return out->failed ? buf_fail(out, err) : 0;
}

/*
 * Shortest decimal digits that read back as d (d finite and > 0): the
 * digit string goes to digits (no trailing zeros) and d = 0.digits * 10^n.
 * For each precision the correctly rounded printf result is the nearest
 * candidate; just above a power of two the rounding interval is lopsided,
 * so when the nearest lies below d the next candidate up is tried as well.
 */
static void shortest_digits(char digits[20], int *n, double d)
{
    char tmp[40], check[48];

    for (int p = 1; p <= 17; p++) {
        (void)snprintf(tmp, sizeof(tmp), "%.*e", p - 1, d);
        /* tmp is "D[.DDD]e[+-]XX"; the decimal point depends on the locale */
        size_t k = 0;
        const char *c = tmp;
        for (; *c && *c != 'e'; c++)
            if (*c >= '0' && *c <= '9')
                digits[k++] = *c;
        digits[k] = '\0';
        int e = atoi(c + 1);
        (void)snprintf(check, sizeof(check), "%se%d", digits, e - (int)k + 1);
        double back = strtod(check, NULL);
        if (back != d && back < d && p < 17) {
            size_t j = k;
            while (j > 0 && digits[j - 1] == '9')
                digits[--j] = '0';
            if (j == 0) {
                digits[0] = '1';
                e++;
            } else {
                digits[j - 1]++;
            }
            (void)snprintf(check, sizeof(check), "%se%d", digits, e - (int)k + 1);
            back = strtod(check, NULL);
        }
        if (back == d || p == 17) {
            while (k > 1 && digits[k - 1] == '0')
                digits[--k] = '\0';
            *n = e + 1;
            return;
        }
    }
}

/* ECMAScript Number.prototype.toString (ECMA-262 Number::toString), as RFC 8785 3.2.2.3. */
static int put_real(vouch_buf *out, double d, vouch_error *err)
{
    char digits[20];
    int n, k;

    if (!isfinite(d))
        return canon_fail(err, VOUCH_EINVAL, "number is not finite");
    if (d == 0)
        return vouch_buf_putc(out, '0') ? buf_fail(out, err) : 0; /* -0 too */
    if (d < 0)
        vouch_buf_putc(out, '-');
    shortest_digits(digits, &n, d < 0 ? -d : d);
    k = (int)strlen(digits);
    if (k <= n && n <= 21) {
        vouch_buf_puts(out, digits);
        for (int i = k; i < n; i++)
            vouch_buf_putc(out, '0');
    } else if (0 < n && n <= 21) {
        vouch_buf_printf(out, "%.*s.%s", n, digits, digits + n);
    } else if (-6 < n && n <= 0) {
        vouch_buf_puts(out, "0.");
        for (int i = n; i < 0; i++)
            vouch_buf_putc(out, '0');
        vouch_buf_puts(out, digits);
    } else {
        vouch_buf_putc(out, digits[0]);
        if (k > 1)
            vouch_buf_printf(out, ".%s", digits + 1);
        vouch_buf_printf(out, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    return out->failed ? buf_fail(out, err) : 0;
}

static int put_integer(vouch_buf *out, json_int_t i, vouch_error *err)
{
    if (i > JCS_INT_MAX || i < -JCS_INT_MAX)
        return vouch_error_set(
            err, VOUCH_EINVAL,
            "cannot canonicalize json: integer %" JSON_INTEGER_FORMAT " is outside +-2^53", i);
    return vouch_buf_printf(out, "%" JSON_INTEGER_FORMAT, i) ? buf_fail(out, err) : 0;
}

typedef struct member {
    const char *key;
    size_t len;
    json_t *value;
} member;

/* UTF-16 code unit order of one code point: U+E000..U+FFFF come after
 * every supplementary character, whose first unit is a surrogate. */
static uint32_t utf16_rank(uint32_t cp)
{
    return cp >= 0xE000 && cp <= 0xFFFF ? cp + 0x110000 : cp;
}

/* RFC 8785 3.2.3: member names compared as arrays of UTF-16 code units.
 * UTF-8 byte order is code point order, so only the first differing code
 * point needs decoding. Names were validated before sorting. */
static int member_cmp(const void *pa, const void *pb)
{
    const member *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    size_t i = 0;

    while (i < n && a->key[i] == b->key[i])
        i++;
    if (i == n)
        return a->len < b->len ? -1 : a->len > b->len;
    while (i > 0 && ((unsigned char)a->key[i] & 0xC0) == 0x80)
        i--;
    size_t ia = i, ib = i;
    uint32_t ca = 0, cb = 0;
    utf8_next((const unsigned char *)a->key, a->len, &ia, &ca);
    utf8_next((const unsigned char *)b->key, b->len, &ib, &cb);
    ca = utf16_rank(ca);
    cb = utf16_rank(cb);
    return ca < cb ? -1 : ca > cb;
}

static int put_value(vouch_buf *out, const json_t *v, int depth, vouch_error *err);

static int put_object(vouch_buf *out, const json_t *v, int depth, vouch_error *err)
{
    size_t count = json_object_size(v), i = 0;
    const char *key;
    size_t key_len;
    json_t *value;
    int rc = 0;

    if (count == 0)
        return vouch_buf_puts(out, "{}") ? buf_fail(out, err) : 0;
    member *m = vouch_calloc(count, sizeof(*m));
    if (!m)
        return canon_fail(err, VOUCH_ENOMEM, "out of memory");
    /* json_object_keylen_foreach casts away const inside jansson's macro */
    json_object_keylen_foreach((json_t *)v, key, key_len, value)
    {
        if (!utf8_valid(key, key_len)) {
            rc = canon_fail(err, VOUCH_EINVAL, "member name is not valid utf-8");
            goto done;
        }
        m[i].key = key;
        m[i].len = key_len;
        m[i].value = value;
        i++;
    }
    qsort(m, count, sizeof(*m), member_cmp);
    vouch_buf_putc(out, '{');
    for (i = 0; i < count && rc == 0; i++) {
        if (i > 0)
            vouch_buf_putc(out, ',');
        rc = put_string(out, m[i].key, m[i].len, err);
        if (rc == 0)
            vouch_buf_putc(out, ':');
        if (rc == 0)
            rc = put_value(out, m[i].value, depth, err);
    }
    if (rc == 0 && vouch_buf_putc(out, '}'))
        rc = buf_fail(out, err);
done:
    vouch_free(m);
    return rc;
}

static int put_array(vouch_buf *out, const json_t *v, int depth, vouch_error *err)
{
    size_t count = json_array_size(v);
    int rc = 0;

    vouch_buf_putc(out, '[');
    for (size_t i = 0; i < count && rc == 0; i++) {
        if (i > 0)
            vouch_buf_putc(out, ',');
        rc = put_value(out, json_array_get(v, i), depth, err);
    }
    if (rc == 0 && vouch_buf_putc(out, ']'))
        rc = buf_fail(out, err);
    return rc;
}

static int put_value(vouch_buf *out, const json_t *v, int depth, vouch_error *err)
{
    if (!v)
        return canon_fail(err, VOUCH_EINVAL, "missing value");
    switch (json_typeof(v)) {
    case JSON_OBJECT:
    case JSON_ARRAY:
        /* The same bound as parsing, so canonical output always reads back
         * (and a reference cycle cannot recurse forever). */
        if (depth >= VOUCH_JSON_MAX_DEPTH)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "cannot canonicalize json: nesting deeper than %d levels",
                                   VOUCH_JSON_MAX_DEPTH);
        if (json_is_object(v))
            return put_object(out, v, depth + 1, err);
        return put_array(out, v, depth + 1, err);
    case JSON_STRING:
        return put_string(out, json_string_value(v), json_string_length(v), err);
    case JSON_INTEGER:
        return put_integer(out, json_integer_value(v), err);
    case JSON_REAL:
        return put_real(out, json_real_value(v), err);
    case JSON_TRUE:
        return vouch_buf_puts(out, "true") ? buf_fail(out, err) : 0;
    case JSON_FALSE:
        return vouch_buf_puts(out, "false") ? buf_fail(out, err) : 0;
    case JSON_NULL:
        return vouch_buf_puts(out, "null") ? buf_fail(out, err) : 0;
    }
    return canon_fail(err, VOUCH_EINTERNAL, "unknown value type");
}

int vouch_json_canonical_string(vouch_buf *out, const char *s, size_t len, vouch_error *err)
{
    return put_string(out, s, len, err);
}

int vouch_json_canonical(vouch_buf *out, const json_t *v, vouch_error *err)
{
    if (!out)
        return canon_fail(err, VOUCH_EINVAL, "no output buffer");
    if (out->failed)
        return buf_fail(out, err);
    return put_value(out, v, 0, err);
}

int vouch_json_canonical_str(char **out, size_t *len_out, const json_t *v, vouch_error *err)
{
    vouch_buf b;
    int rc;

    if (!out)
        return canon_fail(err, VOUCH_EINVAL, "no output");
    *out = NULL;
    vouch_buf_init(&b, 0);
    rc = vouch_json_canonical(&b, v, err);
    if (rc == 0) {
        *out = vouch_buf_detach(&b, len_out);
        if (!*out)
            rc = canon_fail(err, VOUCH_ENOMEM, "out of memory");
    }
    vouch_buf_release(&b);
    return rc;
}

/* ---- typed access ------------------------------------------------------- */

/* The member `key` of obj with the given type, or NULL with *rc set: 0 when
 * absent and optional, VOUCH_EINVAL otherwise. */
static json_t *get_member(const json_t *obj, const char *key, int required, json_type type,
                          const char *type_name, int *rc, vouch_error *err)
{
    *rc = 0;
    if (!key || !json_is_object(obj)) {
        *rc = vouch_error_set(err, VOUCH_EINVAL, "cannot read field '%s': not an object",
                              key ? key : "(null)");
        return NULL;
    }
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required)
            *rc = vouch_error_set(err, VOUCH_EINVAL, "missing field '%s'", key);
        return NULL;
    }
    if (json_typeof(v) != type && !(type == JSON_TRUE && json_is_boolean(v))) {
        *rc = vouch_error_set(err, VOUCH_EINVAL, "field '%s' must be %s", key, type_name);
        return NULL;
    }
    return v;
}

int vouch_json_get_string(const char **out, const json_t *obj, const char *key, int required,
                          vouch_error *err)
{
    int rc;
    json_t *v = get_member(obj, key, required, JSON_STRING, "a string", &rc, err);
    if (v)
        *out = json_string_value(v);
    return rc;
}

int vouch_json_get_int(int64_t *out, const json_t *obj, const char *key, int required,
                       vouch_error *err)
{
    int rc;
    json_t *v = get_member(obj, key, required, JSON_INTEGER, "an integer", &rc, err);
    if (v)
        *out = (int64_t)json_integer_value(v);
    return rc;
}

int vouch_json_get_bool(int *out, const json_t *obj, const char *key, int required,
                        vouch_error *err)
{
    int rc;
    json_t *v = get_member(obj, key, required, JSON_TRUE, "a boolean", &rc, err);
    if (v)
        *out = json_is_true(v);
    return rc;
}

int vouch_json_check_keys(const json_t *obj, const char *const *allowed, const char *what,
                          vouch_error *err)
{
    const char *key;
    size_t key_len;
    json_t *value;
    char q[4 * QUOTE_MAX + 8];

    if (!json_is_object(obj))
        return vouch_error_set(err, VOUCH_EINVAL, "%s must be an object", what ? what : "value");
    json_object_keylen_foreach((json_t *)obj, key, key_len, value)
    {
        size_t i = 0;
        (void)value;
        while (allowed && allowed[i] &&
               !(strlen(allowed[i]) == key_len && memcmp(allowed[i], key, key_len) == 0))
            i++;
        if (allowed && allowed[i])
            continue;
        quote(q, sizeof(q), key, key_len);
        if (what)
            return vouch_error_set(err, VOUCH_EINVAL, "unknown field '%s' in %s", q, what);
        return vouch_error_set(err, VOUCH_EINVAL, "unknown field '%s'", q);
    }
    return 0;
}

int vouch_json_set(json_t *obj, const char *key, json_t *value)
{
    if (!value)
        return VOUCH_ENOMEM;
    if (!json_is_object(obj) || !key || !utf8_valid(key, strlen(key))) {
        json_decref(value);
        return VOUCH_EINVAL;
    }
    /* json_object_set_new() releases value on failure too */
    return json_object_set_new(obj, key, value) == 0 ? 0 : VOUCH_ENOMEM;
}
