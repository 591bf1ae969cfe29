/*
 * checkpoint.c - C2SP tlog-checkpoint texts in signed notes, and C2SP
 * tlog-tiles paths.
 */
#include <stdio.h>
#include <string.h>

#include "vouch/base64.h"
#include "vouch/checkpoint.h"

int vouch_checkpoint_format(vouch_buf *out, const vouch_checkpoint *c)
{
    vouch_buf_printf(out, "%s\n%llu\n", c->origin, (unsigned long long)c->size);
    vouch_base64_encode(out, c->root.b, VOUCH_MERKLE_HASH_LEN);
    vouch_buf_putc(out, '\n');
    return out->failed;
}

/* Next line of text[*pos..len) without its "\n"; -1 at the end. */
static int next_line(const char *text, size_t len, size_t *pos, const char **line, size_t *line_len)
{
    if (*pos >= len)
        return -1;
    const char *nl = memchr(text + *pos, '\n', len - *pos);
    if (!nl)
        return -1;
    *line = text + *pos;
    *line_len = (size_t)(nl - *line);
    *pos = (size_t)(nl - text) + 1;
    return 0;
}

static int parse_size(uint64_t *out, const char *s, size_t n)
{
    uint64_t v = 0;
    if (n == 0 || n > 19 || (n > 1 && s[0] == '0'))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return 0;
}

int vouch_checkpoint_parse(vouch_checkpoint *out, const char *text, size_t len, vouch_error *err)
{
    const char *line;
    size_t n, pos = 0, rlen;
    memset(out, 0, sizeof(*out));
    if (next_line(text, len, &pos, &line, &n) != 0 || n == 0 || n >= VOUCH_CHECKPOINT_ORIGIN_MAX)
        return vouch_error_set(err, VOUCH_EINVAL, "malformed checkpoint: no origin line");
    memcpy(out->origin, line, n);
    if (next_line(text, len, &pos, &line, &n) != 0 || parse_size(&out->size, line, n) != 0)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed checkpoint: the second line must be the tree size");
    if (next_line(text, len, &pos, &line, &n) != 0 ||
        vouch_base64_decode(out->root.b, sizeof(out->root.b), &rlen, line, n, NULL) != 0 ||
        rlen != VOUCH_MERKLE_HASH_LEN)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed checkpoint: the third line must be a base64 root hash");
    while (next_line(text, len, &pos, &line, &n) == 0)
        if (n == 0)
            return vouch_error_set(err, VOUCH_EINVAL, "malformed checkpoint: empty extension line");
    if (pos != len)
        return vouch_error_set(err, VOUCH_EINVAL,
                               "malformed checkpoint: text after the last "
                               "newline");
    return 0;
}

int vouch_checkpoint_sign(vouch_buf *out, const vouch_checkpoint *c, const vouch_note_signer *s,
                          vouch_error *err)
{
    vouch_buf text;
    vouch_buf_init(&text, 0);
    int rc = vouch_checkpoint_format(&text, c);
    if (rc)
        rc = vouch_error_set(err, rc, "cannot format the checkpoint");
    else
        rc = vouch_note_sign(out, text.ptr, text.len, s, err);
    vouch_buf_release(&text);
    return rc;
}

int vouch_checkpoint_open(vouch_checkpoint *out, const char *note, size_t len,
                          const vouch_note_verifier *v, vouch_error *err)
{
    size_t text_len;
    memset(out, 0, sizeof(*out));
    int rc = vouch_note_open(note, len, v, 1, &text_len, err);
    if (rc == 0)
        rc = vouch_checkpoint_parse(out, note, text_len, err);
    if (rc == 0 && strcmp(out->origin, v->name) != 0) {
        rc = vouch_error_set(err, VOUCH_EVERIFY, "checkpoint origin '%s' is not the key name '%s'",
                             out->origin, v->name);
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

/* C2SP tlog-tiles: N as 3-digit groups, every group but the last "x"-prefixed. */
static size_t put_index(char *out, size_t cap, uint64_t n)
{
    unsigned groups[8];
    size_t k = 0, off = 0;
    do {
        groups[k++] = (unsigned)(n % 1000);
        n /= 1000;
    } while (n);
    while (k-- > 0) {
        int w = snprintf(out + off, cap - off, k ? "x%03u/" : "%03u", groups[k]);
        if (w < 0 || (size_t)w >= cap - off)
            return 0;
        off += (size_t)w;
    }
    return off;
}

int vouch_tile_path(char out[VOUCH_TILE_PATH_MAX], int level, uint64_t index, unsigned width,
                    vouch_error *err)
{
    int off;
    if (level < VOUCH_TILE_ENTRIES || level > 63 || width == 0 || width > VOUCH_TILE_WIDTH)
        return vouch_error_set(err, VOUCH_EINVAL, "invalid tile (level %d, width %u)", level,
                               width);
    if (level == VOUCH_TILE_ENTRIES)
        off = snprintf(out, VOUCH_TILE_PATH_MAX, "tile/entries/");
    else
        off = snprintf(out, VOUCH_TILE_PATH_MAX, "tile/%d/", level);
    size_t n = put_index(out + off, VOUCH_TILE_PATH_MAX - (size_t)off, index);
    if (n == 0)
        return vouch_error_set(err, VOUCH_EINVAL, "tile index too large");
    if (width < VOUCH_TILE_WIDTH)
        snprintf(out + (size_t)off + n, VOUCH_TILE_PATH_MAX - (size_t)off - n, ".p/%u", width);
    return 0;
}

/* Parse "xDDD/.../DDD" (the last group without x) from s; -1 if malformed. */
static int parse_index(const char **s, uint64_t *out)
{
    uint64_t v = 0;
    int groups = 0;
    for (;;) {
        int last = **s != 'x';
        if (!last)
            (*s)++;
        for (int i = 0; i < 3; i++) {
            char c = (*s)[i];
            if (c < '0' || c > '9')
                return -1;
        }
        if (++groups > 7)
            return -1;
        v = v * 1000 + (uint64_t)(((*s)[0] - '0') * 100 + ((*s)[1] - '0') * 10 + ((*s)[2] - '0'));
        *s += 3;
        if (last)
            break;
        if (**s != '/')
            return -1;
        (*s)++;
    }
    *out = v;
    return 0;
}

int vouch_tile_path_parse(const char *path, int *level, uint64_t *index, unsigned *width,
                          vouch_error *err)
{
    const char *s = path;
    if (strncmp(s, "tile/", 5) != 0)
        goto bad;
    s += 5;
    if (strncmp(s, "entries/", 8) == 0) {
        *level = VOUCH_TILE_ENTRIES;
        s += 8;
    } else {
        int l = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 2) {
            l = l * 10 + (*s++ - '0');
            digits++;
        }
        if (!digits || *s != '/' || (digits == 2 && l < 10) || l > 63)
            goto bad;
        s++;
        *level = l;
    }
    if (parse_index(&s, index) != 0)
        goto bad;
    *width = VOUCH_TILE_WIDTH;
    if (*s == '\0')
        return 0;
    if (strncmp(s, ".p/", 3) != 0)
        goto bad;
    s += 3;
    unsigned w = 0;
    int digits = 0;
    while (*s >= '0' && *s <= '9' && digits < 3) {
        w = w * 10 + (unsigned)(*s++ - '0');
        digits++;
    }
    if (*s != '\0' || w == 0 || w >= VOUCH_TILE_WIDTH || (digits > 1 && s[-digits] == '0'))
        goto bad;
    *width = w;
    return 0;
bad:
    return vouch_error_set(err, VOUCH_EINVAL, "malformed tile path '%.80s'", path);
}
