/* fuzz_json.c - libFuzzer target for the JSON parser and the RFC 8785 canonical form. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vouch/alloc.h"
#include "vouch/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * An integral real of magnitude 2^53 or more is written by JCS without
 * fraction or exponent (1e20 -> "100000000000000000000"); reading that back
 * gives a jansson integer, which is refused as too big (parse) or beyond
 * +-2^53 (canonical). Such documents cannot make the round trip.
 */
static int has_big_integral_real(const json_t *v)
{
    const char *key;
    json_t *member;
    size_t i;

    switch (json_typeof(v)) {
    case JSON_REAL: {
        double d = json_real_value(v);
        return (d >= 9007199254740992.0 || d <= -9007199254740992.0) && d < 1e21 && d > -1e21;
    }
    case JSON_OBJECT:
        json_object_foreach((json_t *)v, key, member) if (has_big_integral_real(member)) return 1;
        return 0;
    case JSON_ARRAY:
        json_array_foreach(v, i, member) if (has_big_integral_real(member)) return 1;
        return 0;
    default:
        return 0;
    }
}

/*
 * Parse, canonicalize, parse the canonical bytes again and canonicalize
 * once more: the two canonical forms must be identical (JCS is idempotent)
 * and the parser must accept what the canonicalizer writes.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t *v = NULL, *again = NULL;
    char *first = NULL, *second = NULL;
    size_t first_len = 0, second_len = 0;
    vouch_error err;

    vouch_error_clear(&err);
    if (vouch_json_parse(&v, (const char *)data, size, "fuzz input", &err) != 0) {
        if (v || err.code == 0 || err.message[0] == '\0')
            abort();
        return 0;
    }
    vouch_error_clear(&err);
    if (vouch_json_canonical_str(&first, &first_len, v, &err) != 0) {
        /* only integers beyond +-2^53 may be refused */
        if (first || err.code != VOUCH_EINVAL || !strstr(err.message, "outside +-2^53"))
            abort();
        json_decref(v);
        return 0;
    }
    if (strlen(first) != first_len)
        abort();
    if (!has_big_integral_real(v)) {
        vouch_error_clear(&err);
        if (vouch_json_parse(&again, first, first_len, "canonical output", &err) != 0)
            abort();
        if (vouch_json_canonical_str(&second, &second_len, again, &err) != 0)
            abort();
        if (first_len != second_len || memcmp(first, second, first_len) != 0)
            abort();
    }
    vouch_free(first);
    vouch_free(second);
    json_decref(v);
    json_decref(again);
    return 0;
}
