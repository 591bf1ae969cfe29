/*
 * note_open.c - verifying a C2SP signed note: split at the last blank line,
 * check each signature line, accept when a known key signed and no known
 * key's signature fails (signed-note.md "Verification").
 */
#include <stdint.h>
#include <string.h>

#include "vouch/base64.h"
#include "vouch/note.h"

/* One signature line "— name base64\n" in line[0..len) (without "\n"). */
static int check_line(const char *line, size_t len, const char *text, size_t text_len,
                      const vouch_note_verifier *vs, size_t n, int *verified, vouch_error *err)
{
    static const char dash[] = "\xe2\x80\x94 ";
    if (len < sizeof(dash) - 1 || memcmp(line, dash, sizeof(dash) - 1) != 0)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed note: a signature line must start "
                               "with an em dash and a space");
    const char *name = line + sizeof(dash) - 1;
    const char *sp = memchr(name, ' ', len - (size_t)(name - line));
    if (!sp || sp == name)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed note: signature line without a "
                               "key name");
    size_t name_len = (size_t)(sp - name);
    unsigned char blob[4 + 512];
    size_t blob_len;
    if (vouch_base64_decode(blob, sizeof(blob), &blob_len, sp + 1, len - (size_t)(sp + 1 - line),
                            NULL) != 0 ||
        blob_len < 5)
        return vouch_error_set(err, VOUCH_EINVAL, "malformed note: bad signature encoding");
    uint32_t id =
        (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 | blob[3];
    for (size_t i = 0; i < n; i++) {
        if (vs[i].id != id || strlen(vs[i].name) != name_len ||
            memcmp(vs[i].name, name, name_len) != 0)
            continue;
        if (blob_len != 4 + VOUCH_ED25519_SIG_LEN ||
            vouch_ed25519_verify(vs[i].pub, text, text_len, blob + 4, NULL) != 0)
            return vouch_error_set(err, VOUCH_EVERIFY,
                                   "note signature by '%s' does not verify: the note was "
                                   "changed or forged",
                                   vs[i].name);
        *verified = 1;
    }
    return 0; /* unknown keys are ignored */
}

int vouch_note_open(const char *note, size_t len, const vouch_note_verifier *vs, size_t n,
                    size_t *text_len, vouch_error *err)
{
    size_t split = 0, lines = 0;
    int verified = 0, rc;
    *text_len = 0;
    if (len == 0 || note[len - 1] != '\n')
        return vouch_error_set(err, VOUCH_EINVAL, "malformed note: it must end with a newline");
    /* The text ends at the last blank line ("\n\n"). */
    for (size_t i = len - 1; i > 0; i--)
        if (note[i] == '\n' && note[i - 1] == '\n') {
            split = i;
            break;
        }
    if (split == 0)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed note: no blank line before the "
                               "signatures");
    for (size_t i = 0; i < split; i++) {
        unsigned char c = (unsigned char)note[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "malformed note: control character at offset %zu", i);
    }
    for (size_t pos = split + 1; pos < len;) {
        const char *nl = memchr(note + pos, '\n', len - pos);
        if (++lines > VOUCH_NOTE_MAX_SIGS)
            return vouch_error_set(err, VOUCH_EINVAL, "malformed note: more than %d signatures",
                                   VOUCH_NOTE_MAX_SIGS);
        if ((rc = check_line(note + pos, (size_t)(nl - (note + pos)), note, split, vs, n, &verified,
                             err)) != 0)
            return rc;
        pos = (size_t)(nl - note) + 1;
    }
    if (lines == 0)
        return vouch_error_set(err, VOUCH_EINVAL, "malformed note: no signature lines");
    if (!verified)
        return vouch_error_set(err, VOUCH_EVERIFY, "note is not signed by a known key");
    *text_len = split;
    return 0;
}
