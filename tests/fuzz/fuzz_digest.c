/* fuzz_digest.c - libFuzzer target for the digest parser: parse, and format/re-parse what parses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vouch/digest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vouch_digest d, back;
    vouch_error err;
    char text[VOUCH_DIGEST_STR_MAX];

    vouch_error_clear(&err);
    if (vouch_digest_parse(&d, (const char *)data, size, &err) != 0) {
        /* a refusal always explains itself and leaves a zeroed digest */
        static const vouch_digest zero;
        if (err.code == 0 || err.message[0] == '\0' || memcmp(&d, &zero, sizeof(d)) != 0)
            abort();
        return 0;
    }
    /* what parses is canonical: formatting gives back the input bytes */
    size_t n = vouch_digest_format(text, &d);
    if (n != size || memcmp(text, data, size) != 0)
        abort();
    if (vouch_digest_parse_str(&back, text, NULL) != 0 || !vouch_digest_equal(&d, &back))
        abort();
    return 0;
}
