/*
 * cli/cmd_register_bulk.c - `vouch artifact register --from-file LIST.jsonl`:
 * many artifacts in one all-or-nothing request.
 *
 * Each non-blank line is one JSON object with name, kind, sourceType,
 * sourceUri and digest. Lines that are not JSON objects are refused here,
 * naming "LIST.jsonl:LINE", before anything is sent; everything else is
 * checked once, behind the router (POST /v1/projects/{p}/artifacts/batch),
 * whose "artifacts[i]: " error prefix is translated back to the line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/error.h"
#include "vouch/json.h"

/* A line this long is not an artifact record. */
#define BULK_LINE_MAX ((size_t)64 * 1024)
/* One file is one transaction held in memory: split larger lists. */
#define BULK_MAX_ARTIFACTS ((size_t)1000000)

typedef struct bulk {
    const char *file; /* as shown in messages */
    json_t *artifacts;
    size_t *lines; /* lines[i]: line number of artifacts[i] */
    size_t count, cap;
} bulk;

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static int bulk_append(bulk *b, json_t *v, size_t line)
{
    if (b->count == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256, bytes;
        size_t *lines;
        if (vouch_mul_overflow(cap, sizeof(*lines), &bytes) != 0 ||
            !(lines = vouch_realloc(b->lines, bytes))) {
            json_decref(v);
            return VOUCH_ENOMEM;
        }
        b->lines = lines;
        b->cap = cap;
    }
    if (json_array_append_new(b->artifacts, v) != 0)
        return VOUCH_ENOMEM;
    b->lines[b->count++] = line;
    return 0;
}

/* Parse one non-blank line into b. Returns 0 or an exit code (reported). */
static int parse_line(const cli_ctx *ctx, bulk *b, const char *text, size_t len, size_t line)
{
    char what[512], prefix[600];
    vouch_error err;
    json_t *v;
    int rc;

    if (len > BULK_LINE_MAX)
        return cli_report_local(ctx, VOUCH_EINVAL, "%s:%zu: line longer than %zu bytes", b->file,
                                line, BULK_LINE_MAX);
    if (b->count >= BULK_MAX_ARTIFACTS)
        return cli_report_local(ctx, VOUCH_ETOOBIG,
                                "%s:%zu: more than %zu artifacts in one file; split the list",
                                b->file, line, BULK_MAX_ARTIFACTS);
    snprintf(what, sizeof(what), "%s:%zu", b->file, line);
    vouch_error_clear(&err);
    if ((rc = vouch_json_parse(&v, text, len, what, &err)) != 0) {
        /* "F:L: line 1, column C: ..." reads better as "F:L: column C: ..." */
        const char *msg = vouch_error_message(&err, rc);
        snprintf(prefix, sizeof(prefix), "%s: line 1, column ", what);
        if (strncmp(msg, prefix, strlen(prefix)) == 0)
            return cli_report_local(ctx, rc, "%s: column %s", what, msg + strlen(prefix));
        return cli_report_local(ctx, rc, "%s", msg);
    }
    if (!json_is_object(v)) {
        json_decref(v);
        return cli_report_local(ctx, VOUCH_EINVAL,
                                "%s: expected a JSON object with name, kind, sourceType, "
                                "sourceUri and digest",
                                what);
    }
    if (bulk_append(b, v, line) != 0)
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory reading %s", b->file);
    return 0;
}

/* Read every line of `path` ("-": stdin). Returns 0 or an exit code. */
static int bulk_load(const cli_ctx *ctx, bulk *b, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *text = NULL;
    size_t cap = 0, line = 0;
    ssize_t n;
    int rc = 0;

    if (!f)
        return cli_report_local(ctx, errno == ENOENT ? VOUCH_ENOTFOUND : VOUCH_EINVAL,
                                "cannot read '%s': %s", b->file,
                                errno == ENOENT ? "no such file" : strerror(errno));
    while (rc == 0 && (n = getline(&text, &cap, f)) >= 0) {
        size_t len = (size_t)n;
        line++;
        if (len > 0 && text[len - 1] == '\n')
            len--;
        if (!is_blank(text, len))
            rc = parse_line(ctx, b, text, len, line);
    }
    if (rc == 0 && ferror(f))
        rc = cli_report_local(ctx, VOUCH_EINVAL, "cannot read '%s': %s", b->file, strerror(errno));
    free(text); /* getline() allocates with malloc */
    if (f != stdin)
        fclose(f);
    return rc;
}

/* "artifacts[i]: msg" -> "FILE:LINE: msg" in the error body, in place. */
static void translate_error(const bulk *b, cli_response *resp)
{
    json_t *err = json_object_get(resp->body, "error");
    const char *msg = cli_str(err, "message", NULL);
    unsigned long long idx;
    char *end, *translated;

    if (!msg || strncmp(msg, "artifacts[", 10) != 0)
        return;
    errno = 0;
    idx = strtoull(msg + 10, &end, 10);
    if (errno != 0 || end == msg + 10 || strncmp(end, "]: ", 3) != 0 || idx >= b->count)
        return;
    translated = cli_strf("%s:%zu: %s", b->file, b->lines[idx], end + 3);
    if (translated)
        json_object_set_new(err, "message", json_string(translated));
    vouch_free(translated);
}

static void print_bulk(const cli_ctx *ctx, const json_t *body)
{
    char count[32], created[32], unchanged[32], corr[16];
    if (json_integer_value(json_object_get(body, "count")) == 0) {
        cli_text(stdout, "no artifacts in the file; nothing registered\n");
        return;
    }
    cli_text(stdout, "registered %s artifact(s): %s created, %s unchanged [correlation %s]\n",
             cli_int_str(count, sizeof(count), body, "count"),
             cli_int_str(created, sizeof(created), body, "created"),
             cli_int_str(unchanged, sizeof(unchanged), body, "unchanged"),
             cli_short_id(corr, cli_correlation_id(ctx)));
}

static int send_batch(cli_ctx *ctx, const bulk *b, const char *project, json_t *body)
{
    cli_response resp;
    char *path;
    int rc;

    if (!(path = cli_strf("/v1/projects/%s/artifacts/batch", project)))
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    if (cli_call(ctx, "POST", path, NULL, body, &resp) != 0)
        translate_error(b, &resp);
    rc = cli_finish(ctx, &resp, print_bulk);
    cli_response_release(&resp);
    vouch_free(path);
    return rc;
}

int cli_register_bulk(cli_ctx *ctx, const char *project, const char *file)
{
    bulk b;
    json_t *body = NULL;
    int rc;

    if ((rc = cli_require(ctx, project, "--project")) != 0 ||
        (rc = cli_check_segment(ctx, project, "project name")) != 0)
        return rc;
    memset(&b, 0, sizeof(b));
    b.file = strcmp(file, "-") == 0 ? "<stdin>" : file;
    if (!(b.artifacts = json_array()))
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    if ((rc = bulk_load(ctx, &b, file)) == 0) {
        body = json_object();
        if (!body || json_object_set(body, "artifacts", b.artifacts) != 0)
            rc = cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
        else
            rc = send_batch(ctx, &b, project, body);
    }
    json_decref(body);
    json_decref(b.artifacts);
    vouch_free(b.lines);
    return rc;
}
