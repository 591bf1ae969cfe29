/*
 * vouch/checkpoint.h - C2SP tlog-checkpoint texts (origin, tree size, root
 * hash) carried in signed notes, and C2SP tlog-tiles paths.
 */
#ifndef VOUCH_CHECKPOINT_H
#define VOUCH_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "common.h"
#include "error.h"
#include "merkle.h"
#include "note.h"

#define VOUCH_CHECKPOINT_ORIGIN_MAX 256 /* with NUL */

typedef struct vouch_checkpoint {
    char origin[VOUCH_CHECKPOINT_ORIGIN_MAX];
    uint64_t size;
    vouch_mhash root;
} vouch_checkpoint;

/* "<origin>\n<size>\n<base64 root>\n" appended to out. */
VOUCH_EXTERN int vouch_checkpoint_format(vouch_buf *out, const vouch_checkpoint *c);

/* Parse a checkpoint text (extension lines after the root are allowed and
 * ignored; the size is decimal without leading zeros). VOUCH_EINVAL. */
VOUCH_EXTERN int vouch_checkpoint_parse(vouch_checkpoint *out, const char *text, size_t len,
                                        vouch_error *err);

/* The signed note of c, signed by s (whose name should be the origin). */
VOUCH_EXTERN int vouch_checkpoint_sign(vouch_buf *out, const vouch_checkpoint *c,
                                       const vouch_note_signer *s, vouch_error *err);

/* Verify a signed checkpoint against v and parse it; the origin must equal
 * the key name. VOUCH_EVERIFY when not signed by v, VOUCH_EINVAL when
 * malformed. */
VOUCH_EXTERN int vouch_checkpoint_open(vouch_checkpoint *out, const char *note, size_t len,
                                       const vouch_note_verifier *v, vouch_error *err);

#define VOUCH_TILE_HEIGHT   8
#define VOUCH_TILE_WIDTH    256
#define VOUCH_TILE_ENTRIES  (-1) /* level of entry bundles */
#define VOUCH_TILE_PATH_MAX 96

/* C2SP tlog-tiles path "tile/<L>/<N>[.p/<W>]" or "tile/entries/<N>[.p/<W>]"
 * (N in x-prefixed 3-digit groups; W < 256 marks a partial tile). */
VOUCH_EXTERN int vouch_tile_path(char out[VOUCH_TILE_PATH_MAX], int level, uint64_t index,
                                 unsigned width, vouch_error *err);
VOUCH_EXTERN int vouch_tile_path_parse(const char *path, int *level, uint64_t *index,
                                       unsigned *width, vouch_error *err);

#endif
