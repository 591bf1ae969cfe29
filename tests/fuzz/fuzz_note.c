/*
 * fuzz_note.c - signed-note and verifier-key parsing on arbitrary bytes:
 * never crash, and never accept a note a known key did not sign.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vouch/note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char vkey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    vouch_note_verifier v, parsed;
    size_t text_len;
    if (vouch_note_verifier_parse(&v, vkey, NULL) != 0)
        abort();
    (void)vouch_note_open((const char *)data, size, &v, 1, &text_len, NULL);
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    (void)vouch_note_verifier_parse(&parsed, s, NULL);
    free(s);
    return 0;
}
