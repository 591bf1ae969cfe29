/* glob.c - the source allowlist glob: '*' within a path segment, '**' across segments. */
#include <stdint.h>
#include <string.h>

#include "vouch/alloc.h"
#include "vouch/policy.h"

/*
 * The pattern is run as an NFA over its byte positions: a state is "the
 * pattern from here on must match the rest of the text". A literal byte
 * moves on when it equals the text byte; '*' (one star) stays while the
 * text byte is not '/'; a run of two or more stars ('**') stays on any
 * byte; both may also be skipped (they match the empty run). Simulating
 * the whole state set at once costs O(len(pattern) * len(text)) with no
 * backtracking, so patterns like "*a*a*a*a*b" cannot blow up.
 */

#define STACK_WORDS 32 /* patterns up to 2047 bytes need no allocation */

typedef struct glob_set {
    uint64_t *bits;
    size_t words;
} glob_set;

static int set_has(const glob_set *s, size_t i)
{
    return (int)((s->bits[i / 64] >> (i % 64)) & 1u);
}

static void set_add(glob_set *s, size_t i)
{
    s->bits[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Length of the star run starting at p[i] (0 when p[i] is not '*'). */
static size_t star_run(const char *p, size_t i)
{
    size_t n = 0;
    while (p[i + n] == '*')
        n++;
    return n;
}

/* Next member of the set at or after i, or `end`; skips empty words whole. */
static size_t next_member(const glob_set *s, size_t i, size_t end)
{
    while (i < end) {
        uint64_t w = s->bits[i / 64] >> (i % 64);
        if (w == 0) {
            i = (i / 64 + 1) * 64;
            continue;
        }
        while (!(w & 1u)) {
            w >>= 1;
            i++;
        }
        return i;
    }
    return end;
}

/* Add the states reachable from the set by skipping stars (they match the empty run). */
static void close_set(glob_set *s, const char *p, size_t plen)
{
    for (size_t i = next_member(s, 0, plen); i < plen; i = next_member(s, i + 1, plen)) {
        size_t run = star_run(p, i);
        if (run > 0)
            set_add(s, i + run);
    }
}

/* One text byte: from cur into next (cleared first). */
static void step(glob_set *next, const glob_set *cur, const char *p, size_t plen, char c)
{
    memset(next->bits, 0, next->words * sizeof(uint64_t));
    for (size_t i = next_member(cur, 0, plen); i < plen; i = next_member(cur, i + 1, plen)) {
        size_t run = star_run(p, i);
        if (run == 0) {
            if (p[i] == c)
                set_add(next, i + 1);
        } else if (run >= 2 || c != '/') {
            set_add(next, i);
        }
    }
    close_set(next, p, plen);
}

static int run_nfa(glob_set *a, glob_set *b, const char *p, size_t plen, const char *text)
{
    set_add(a, 0);
    close_set(a, p, plen);
    for (const char *t = text; *t != '\0'; t++) {
        step(b, a, p, plen, *t);
        glob_set *swap = a;
        a = b;
        b = swap;
        int alive = 0;
        for (size_t w = 0; w < a->words && !alive; w++)
            alive = a->bits[w] != 0;
        if (!alive)
            return 0;
    }
    return set_has(a, plen);
}

int vouch_glob_match(const char *pattern, const char *text)
{
    uint64_t stack_a[STACK_WORDS] = {0}, stack_b[STACK_WORDS] = {0};
    glob_set a, b;
    size_t plen, words, bytes;
    int matched;

    if (!pattern || !text)
        return 0;
    if (!strchr(pattern, '*'))
        return strcmp(pattern, text) == 0;
    plen = strlen(pattern);
    words = plen / 64 + 1; /* states 0..plen */
    if (words <= STACK_WORDS) {
        a = (glob_set){stack_a, words};
        b = (glob_set){stack_b, words};
        return run_nfa(&a, &b, pattern, plen, text);
    }
    /* Fails closed: a pattern we cannot afford to run matches nothing. */
    if (vouch_mul_overflow(words, 2 * sizeof(uint64_t), &bytes) != 0)
        return 0;
    uint64_t *heap = vouch_calloc(1, bytes);
    if (!heap)
        return 0;
    a = (glob_set){heap, words};
    b = (glob_set){heap + words, words};
    matched = run_nfa(&a, &b, pattern, plen, text);
    vouch_free(heap);
    return matched;
}
