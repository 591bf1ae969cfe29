/*
 * vouch/note.h - C2SP signed notes with Ed25519 keys, the envelope of
 * transparency-log checkpoints (as golang.org/x/mod/sumdb/note does them).
 *
 *   <text ending in "\n">\n
 *   — <key name> <base64(4-byte key ID || 64-byte signature)>\n   (per signature)
 *
 * Key ID = first 4 bytes (big-endian) of SHA-256(name || "\n" || 0x01 ||
 * public key). Verifier keys read "<name>+<8 hex id>+<base64(0x01 || pub)>",
 * signer keys "PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 || seed)>".
 */
#ifndef VOUCH_NOTE_H
#define VOUCH_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "common.h"
#include "ed25519.h"
#include "error.h"

#define VOUCH_NOTE_NAME_MAX 256 /* with NUL */
#define VOUCH_NOTE_MAX_SIGS 100 /* signature lines accepted in one note */

typedef struct vouch_note_verifier {
    char name[VOUCH_NOTE_NAME_MAX];
    uint32_t id;
    unsigned char pub[VOUCH_ED25519_PUB_LEN];
} vouch_note_verifier;

/* Holds a private seed: wipe with vouch_note_signer_wipe() when done. */
typedef struct vouch_note_signer {
    char name[VOUCH_NOTE_NAME_MAX];
    uint32_t id;
    unsigned char seed[VOUCH_ED25519_SEED_LEN];
    unsigned char pub[VOUCH_ED25519_PUB_LEN];
} vouch_note_signer;

/* A signer for `name` (non-empty, no spaces, no '+', printable) and seed. */
VOUCH_EXTERN int vouch_note_signer_init(vouch_note_signer *out, const char *name,
                                        const unsigned char seed[VOUCH_ED25519_SEED_LEN],
                                        vouch_error *err);
VOUCH_EXTERN void vouch_note_signer_wipe(vouch_note_signer *s);
VOUCH_EXTERN int vouch_note_signer_parse(vouch_note_signer *out, const char *skey,
                                         vouch_error *err);
VOUCH_EXTERN int vouch_note_signer_format(vouch_buf *out, const vouch_note_signer *s);
VOUCH_EXTERN void vouch_note_signer_verifier(vouch_note_verifier *out, const vouch_note_signer *s);

/* Parse a verifier key; VOUCH_EINVAL when malformed or when its ID does not
 * match its name and key. */
VOUCH_EXTERN int vouch_note_verifier_parse(vouch_note_verifier *out, const char *vkey,
                                           vouch_error *err);
VOUCH_EXTERN int vouch_note_verifier_format(vouch_buf *out, const vouch_note_verifier *v);

/* Append the signed note of text[0..len) (UTF-8, ends with "\n", no control
 * characters but "\n") signed by s. */
VOUCH_EXTERN int vouch_note_sign(vouch_buf *out, const char *text, size_t len,
                                 const vouch_note_signer *s, vouch_error *err);

/*
 * Verify a signed note against known verifiers. Signatures by unknown keys
 * are ignored; a known key whose signature fails rejects the note; at least
 * one known signature must verify. On success *text_len gets the length of
 * the signed text (note[0..*text_len)). VOUCH_EINVAL when malformed,
 * VOUCH_EVERIFY when not (validly) signed by a known key.
 */
VOUCH_EXTERN int vouch_note_open(const char *note, size_t len, const vouch_note_verifier *verifiers,
                                 size_t n, size_t *text_len, vouch_error *err);

#endif
