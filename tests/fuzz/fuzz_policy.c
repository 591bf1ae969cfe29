/* fuzz_policy.c - libFuzzer target: policy parsing, and canonical re-parse to the same digest. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vouch/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vouch_policy *p = NULL, *again = NULL;
    vouch_error err;
    size_t len;

    vouch_error_clear(&err);
    if (vouch_policy_parse(&p, (const char *)data, size, "fuzz", &err) != 0) {
        /* a refusal always explains itself and leaves no policy behind */
        if (p != NULL || err.code == 0 || err.message[0] == '\0')
            abort();
        return 0;
    }
    const char *canon = vouch_policy_canonical(p, &len);
    vouch_error_clear(&err);
    if (vouch_policy_parse(&again, canon, len, "canonical", &err) != 0)
        abort();
    if (!vouch_digest_equal(vouch_policy_digest(p), vouch_policy_digest(again)))
        abort();
    size_t len2;
    const char *canon2 = vouch_policy_canonical(again, &len2);
    if (len != len2 || memcmp(canon, canon2, len) != 0)
        abort();
    /* exercise the read side on what was parsed */
    for (size_t i = 0; i < vouch_policy_channel_count(p); i++) {
        const vouch_channel_rule *r = vouch_policy_channel_at(p, i);
        if (vouch_policy_channel(p, r->name) != r)
            abort();
        (void)vouch_policy_is_promoter(p, r, "alice");
        if (r->promoters_count > 0)
            (void)vouch_policy_is_promoter(p, r, r->promoters[0]);
    }
    for (int t = 0; t < VOUCH_SOURCE__COUNT; t++)
        (void)vouch_policy_source_allowed(p, (vouch_source_type)t, "/srv/builds/a/b", NULL);
    vouch_policy_free(again);
    vouch_policy_free(p);
    return 0;
}
