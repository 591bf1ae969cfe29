/*
 * note.c - C2SP signed notes (signed-note.md) with Ed25519 keys: key
 * strings, signing and verification, byte-compatible with
 * golang.org/x/mod/sumdb/note.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vouch/base64.h"
#include "vouch/digest.h"
#include "vouch/hash.h"
#include "vouch/note.h"

#define ALG_ED25519 0x01
static const char em_dash[] = "\xe2\x80\x94"; /* U+2014 */

/* Key names: non-empty, printable, no spaces and no '+' (signed-note.md). */
static int name_ok(const char *name, size_t len)
{
    if (len == 0 || len >= VOUCH_NOTE_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= 0x20 || c == 0x7f || c == '+')
            return 0;
    }
    return 1;
}

static int key_id(uint32_t *out, const char *name, const unsigned char pub[32], vouch_error *err)
{
    vouch_hasher *h = NULL;
    vouch_digest d;
    const unsigned char sep[2] = {'\n', ALG_ED25519};
    int rc = vouch_hasher_new(&h, VOUCH_DIGEST_SHA256, err);
    if (rc == 0)
        rc = vouch_hasher_update(h, name, strlen(name), err);
    if (rc == 0)
        rc = vouch_hasher_update(h, sep, 2, err);
    if (rc == 0)
        rc = vouch_hasher_update(h, pub, VOUCH_ED25519_PUB_LEN, err);
    if (rc == 0)
        rc = vouch_hasher_final(h, &d, err);
    vouch_hasher_free(h);
    if (rc == 0)
        *out = (uint32_t)d.bytes[0] << 24 | (uint32_t)d.bytes[1] << 16 | (uint32_t)d.bytes[2] << 8 |
               d.bytes[3];
    return rc;
}

int vouch_note_signer_init(vouch_note_signer *out, const char *name,
                           const unsigned char seed[VOUCH_ED25519_SEED_LEN], vouch_error *err)
{
    int rc;
    memset(out, 0, sizeof(*out));
    if (!name_ok(name, strlen(name)))
        return vouch_error_set(err, VOUCH_EINVAL,
                               "invalid note key name '%.64s': printable, no spaces, no '+'", name);
    memcpy(out->name, name, strlen(name) + 1);
    memcpy(out->seed, seed, VOUCH_ED25519_SEED_LEN);
    if ((rc = vouch_ed25519_public(out->pub, seed, err)) != 0 ||
        (rc = key_id(&out->id, out->name, out->pub, err)) != 0)
        vouch_note_signer_wipe(out);
    return rc;
}

void vouch_note_signer_wipe(vouch_note_signer *s)
{
    OPENSSL_cleanse(s, sizeof(*s));
}

void vouch_note_signer_verifier(vouch_note_verifier *out, const vouch_note_signer *s)
{
    memcpy(out->name, s->name, sizeof(out->name));
    out->id = s->id;
    memcpy(out->pub, s->pub, sizeof(out->pub));
}

/* Split "<name>+<8 hex>+<base64>" into its parts; 0 or -1. */
static int split_key(const char *s, const char **name, size_t *name_len, uint32_t *id,
                     const char **b64)
{
    const char *p1 = strchr(s, '+');
    if (!p1)
        return -1;
    const char *p2 = strchr(p1 + 1, '+');
    if (!p2 || p2 - p1 - 1 != 8)
        return -1;
    char hex[9];
    memcpy(hex, p1 + 1, 8);
    hex[8] = '\0';
    for (int i = 0; i < 8; i++)
        if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
            return -1;
    *id = (uint32_t)strtoul(hex, NULL, 16);
    *name = s;
    *name_len = (size_t)(p1 - s);
    *b64 = p2 + 1;
    return 0;
}

/* Decode "base64(0x01 || 32 bytes)" into key. */
static int decode_key(unsigned char key[32], const char *b64, vouch_error *err)
{
    unsigned char raw[40];
    size_t n;
    int rc = vouch_base64_decode(raw, sizeof(raw), &n, b64, strlen(b64), err);
    if (rc)
        return VOUCH_EINVAL;
    if (n != 33 || raw[0] != ALG_ED25519) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return vouch_error_set(err, VOUCH_EINVAL, "note key is not an ed25519 key");
    }
    memcpy(key, raw + 1, 32);
    OPENSSL_cleanse(raw, sizeof(raw));
    return 0;
}

int vouch_note_verifier_parse(vouch_note_verifier *out, const char *vkey, vouch_error *err)
{
    const char *name, *b64;
    size_t name_len;
    uint32_t id, want;
    vouch_error local;
    vouch_error_clear(&local);
    memset(out, 0, sizeof(*out));
    if (split_key(vkey, &name, &name_len, &id, &b64) != 0 || !name_ok(name, name_len) ||
        decode_key(out->pub, b64, &local) != 0)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed verifier key '%.80s': expected "
                               "name+<8 hex>+<base64 ed25519 key>",
                               vkey);
    memcpy(out->name, name, name_len);
    out->name[name_len] = '\0';
    int rc = key_id(&want, out->name, out->pub, err);
    if (rc)
        return rc;
    if (want != id) {
        memset(out, 0, sizeof(*out));
        return vouch_error_set(err, VOUCH_EINVAL,
                               "verifier key '%.80s': its id %08x does not match its name and "
                               "key (%08x)",
                               vkey, id, want);
    }
    out->id = id;
    return 0;
}

int vouch_note_verifier_format(vouch_buf *out, const vouch_note_verifier *v)
{
    unsigned char raw[33];
    raw[0] = ALG_ED25519;
    memcpy(raw + 1, v->pub, 32);
    vouch_buf_printf(out, "%s+%08x+", v->name, v->id);
    return vouch_base64_encode(out, raw, sizeof(raw));
}

int vouch_note_signer_parse(vouch_note_signer *out, const char *skey, vouch_error *err)
{
    static const char prefix[] = "PRIVATE+KEY+";
    const char *name, *b64;
    size_t name_len;
    uint32_t id;
    unsigned char seed[32];
    char namebuf[VOUCH_NOTE_NAME_MAX];
    vouch_error local;
    vouch_error_clear(&local);
    memset(out, 0, sizeof(*out));
    if (strncmp(skey, prefix, sizeof(prefix) - 1) != 0 ||
        split_key(skey + sizeof(prefix) - 1, &name, &name_len, &id, &b64) != 0 ||
        !name_ok(name, name_len) || decode_key(seed, b64, &local) != 0)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed signer key: expected PRIVATE+KEY+name+<8 hex>+<base64>");
    memcpy(namebuf, name, name_len);
    namebuf[name_len] = '\0';
    int rc = vouch_note_signer_init(out, namebuf, seed, err);
    OPENSSL_cleanse(seed, sizeof(seed));
    if (rc == 0 && out->id != id) {
        vouch_note_signer_wipe(out);
        return vouch_error_set(err, VOUCH_EINVAL,
                               "signer key for '%s': its id does not match its name and key",
                               namebuf);
    }
    return rc;
}

int vouch_note_signer_format(vouch_buf *out, const vouch_note_signer *s)
{
    unsigned char raw[33];
    raw[0] = ALG_ED25519;
    memcpy(raw + 1, s->seed, 32);
    vouch_buf_printf(out, "PRIVATE+KEY+%s+%08x+", s->name, s->id);
    int rc = vouch_base64_encode(out, raw, sizeof(raw));
    OPENSSL_cleanse(raw, sizeof(raw));
    return rc;
}

/* signed-note.md: UTF-8 text ending in a newline, no other control chars. */
static int text_ok(const char *text, size_t len, vouch_error *err)
{
    if (len == 0 || text[len - 1] != '\n')
        return vouch_error_set(err, VOUCH_EINVAL, "note text must end with a newline");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if ((c < 0x20 && c != '\n') || c == 0x7f)
            return vouch_error_set(err, VOUCH_EINVAL,
                                   "note text holds a control character at offset %zu", i);
    }
    return 0;
}

int vouch_note_sign(vouch_buf *out, const char *text, size_t len, const vouch_note_signer *s,
                    vouch_error *err)
{
    unsigned char blob[4 + VOUCH_ED25519_SIG_LEN];
    int rc = text_ok(text, len, err);
    if (rc)
        return rc;
    blob[0] = (unsigned char)(s->id >> 24);
    blob[1] = (unsigned char)(s->id >> 16);
    blob[2] = (unsigned char)(s->id >> 8);
    blob[3] = (unsigned char)s->id;
    if ((rc = vouch_ed25519_sign(blob + 4, s->seed, text, len, err)) != 0)
        return rc;
    vouch_buf_append(out, text, len);
    vouch_buf_printf(out, "\n%s %s ", em_dash, s->name);
    vouch_base64_encode(out, blob, sizeof(blob));
    vouch_buf_putc(out, '\n');
    return out->failed ? vouch_error_set(err, out->failed, "cannot write the signed note") : 0;
}
