/*
 * source_uri.c - what a source URI names, for the checks: the local path of
 * a file source (file:/// URLs percent-decoded, RFC 8089) and refusal of
 * dot segments ("." and ".." also when percent-encoded) and encoded
 * slashes, which would let "/srv/builds/../secret" pass an allowlist of
 * "/srv/builds/" followed by anything while the bytes come from elsewhere.
 */
#include <string.h>

#include "service/service_int.h"

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

int vouch_svc__file_path(char *out, size_t n, const char *uri)
{
    size_t o = 0;
    if (strncmp(uri, "file://", 7) != 0) { /* a plain absolute path, taken literally */
        if (strlen(uri) >= n)
            return -1;
        memcpy(out, uri, strlen(uri) + 1);
        return 0;
    }
    for (const char *p = uri + 7; *p; p++) {
        char c = *p;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo < 0)
                return -1;
            c = (char)(hi * 16 + lo);
            if (c == '\0')
                return -1;
            p += 2;
        }
        if (o + 1 >= n)
            return -1;
        out[o++] = c;
    }
    out[o] = '\0';
    return out[0] == '/' ? 0 : -1;
}

/* 1 when a '/'-separated segment of path[0..) (up to '?', '#' or the end
 * when `query` is set) is "." or "..", counting "%2e" as a dot. */
static int dot_segment(const char *path, int query)
{
    const char *p = path;
    while (*p) {
        if (*p == '/') {
            p++;
            continue;
        }
        const char *end = p + strcspn(p, query ? "/?#" : "/");
        size_t dots = 0;
        const char *q = p;
        while (q < end) {
            if (*q == '.')
                q++;
            else if (q[0] == '%' && q[1] == '2' && (q[2] == 'e' || q[2] == 'E'))
                q += 3;
            else
                break;
            dots++;
        }
        if (q == end && (dots == 1 || dots == 2))
            return 1;
        if (query && (*end == '?' || *end == '#'))
            return 0;
        p = end;
    }
    return 0;
}

int vouch_svc__uri_unsafe(vouch_source_type type, const char *uri)
{
    if (type == VOUCH_SOURCE_FILE) {
        char path[VOUCH_URI_MAX];
        return vouch_svc__file_path(path, sizeof(path), uri) != 0 || dot_segment(path, 0);
    }
    const char *p = strstr(uri, "://");
    p = p ? strchr(p + 3, '/') : uri; /* the path after scheme://authority */
    if (!p)
        return 0;
    size_t end = strcspn(p, "?#");
    for (size_t i = 0; i + 2 < end; i++)
        if (p[i] == '%' && ((p[i + 1] == '2' && (p[i + 2] == 'f' || p[i + 2] == 'F')) ||
                            (p[i + 1] == '5' && (p[i + 2] == 'c' || p[i + 2] == 'C'))))
            return 1; /* an encoded '/' or '\' could hide a segment */
    return dot_segment(p, 1);
}
