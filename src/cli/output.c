/*
 * cli/output.c - how the vouch command prints: sanitized text, pretty JSON,
 * aligned tables, key: value blocks, errors and per-command help.
 *
 * Text output is for people and may shorten digests; JSON output is the
 * router's response body as it came, never shortened. Data shown as text is
 * sanitized so that a stored name cannot send escape sequences to a
 * terminal.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/buf.h"
#include "vouch/error.h"
#include "vouch/router.h"

/* Replace C0 controls (but newline and tab), DEL and UTF-8 encoded C1
 * controls with '?', in place. */
static void sanitize(char *s, size_t len, int keep_newlines)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\t') {
            if (!keep_newlines)
                s[i] = ' ';
        } else if (c < 0x20 || c == 0x7f) {
            s[i] = '?';
        } else if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
                   (unsigned char)s[i + 1] <= 0x9f) {
            s[i] = '?';
            s[i + 1] = '?';
            i++;
        }
    }
}

char *cli_strf(const char *fmt, ...)
{
    vouch_buf b;
    va_list ap;
    vouch_buf_init(&b, 0);
    va_start(ap, fmt);
    vouch_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.failed) {
        vouch_buf_release(&b);
        return NULL;
    }
    return vouch_buf_detach(&b, NULL);
}

void cli_text(FILE *f, const char *fmt, ...)
{
    vouch_buf b;
    va_list ap;
    vouch_buf_init(&b, 0);
    va_start(ap, fmt);
    vouch_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (b.failed) {
        /* Out of memory for a line of text: say so rather than lose it. */
        fputs("vouch: out of memory while printing\n", stderr);
    } else if (b.len > 0) {
        sanitize(b.ptr, b.len, 1);
        fwrite(b.ptr, 1, b.len, f);
    }
    vouch_buf_release(&b);
}

int cli_print_json(FILE *f, const json_t *v)
{
    if (json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
        return VOUCH_EIO;
    fputc('\n', f);
    return 0;
}

const char *cli_str(const json_t *obj, const char *key, const char *dflt)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    return json_is_string(v) ? json_string_value(v) : dflt;
}

const char *cli_int_str(char *buf, size_t size, const json_t *obj, const char *key)
{
    const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;
    if (json_is_integer(v))
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_boolean(v))
        snprintf(buf, size, "%s", json_is_true(v) ? "true" : "false");
    else
        snprintf(buf, size, "-");
    return buf;
}

const char *cli_short_digest(char out[CLI_SHORT_DIGEST_MAX], const char *digest)
{
    const char *colon = digest ? strchr(digest, ':') : NULL;
    if (!digest) {
        snprintf(out, CLI_SHORT_DIGEST_MAX, "-");
    } else if (colon && strlen(colon + 1) > 12 && (size_t)(colon - digest) < 10) {
        snprintf(out, CLI_SHORT_DIGEST_MAX, "%.*s%.12s\xe2\x80\xa6", (int)(colon - digest + 1),
                 digest, colon + 1);
    } else {
        snprintf(out, CLI_SHORT_DIGEST_MAX, "%s", digest);
    }
    return out;
}

const char *cli_short_id(char out[16], const char *id)
{
    if (!id)
        snprintf(out, 16, "-");
    else if (strlen(id) > 12)
        snprintf(out, 16, "%.8s\xe2\x80\xa6", id);
    else
        snprintf(out, 16, "%s", id);
    return out;
}

void cli_kv(FILE *f, int width, const char *key, const char *value)
{
    char label[64];
    snprintf(label, sizeof(label), "%s%s", key, *key ? ":" : "");
    cli_text(f, "%-*s %s\n", width, label, value ? value : "-");
}

static void append_change(char *buf, size_t size, const json_t *transition, const char *dim)
{
    const json_t *t = json_object_get(transition, dim);
    size_t used = strlen(buf);
    if (!json_is_object(t) || used >= size)
        return;
    snprintf(buf + used, size - used, "%s%s %s -> %s", used ? ", " : "", dim,
             cli_str(t, "from", "-"), cli_str(t, "to", "-"));
}

const char *cli_transition_str(char *buf, size_t size, const json_t *transition)
{
    buf[0] = '\0';
    if (!json_is_object(transition))
        return buf;
    append_change(buf, size, transition, "lifecycle");
    append_change(buf, size, transition, "trust");
    return buf;
}

const char *cli_join(char *buf, size_t size, const json_t *array, const char *sep)
{
    size_t i, used = 0;
    const json_t *v;

    buf[0] = '\0';
    if (json_is_array(array)) {
        json_array_foreach(array, i, v)
        {
            const char *s = json_is_string(v) ? json_string_value(v) : "?";
            int n = snprintf(buf + used, size - used, "%s%s", i ? sep : "", s);
            if (n < 0 || (size_t)n >= size - used)
                break;
            used += (size_t)n;
        }
    }
    if (!buf[0])
        snprintf(buf, size, "-");
    return buf;
}

/* Append "; "-separated text to buf, truncating at its end. */
static void add_part(char *buf, size_t size, const char *text)
{
    size_t used = strlen(buf);
    if (used + 1 < size)
        snprintf(buf + used, size - used, "%s%s", used ? "; " : "", text);
}

/* "digest pass, source pass" from an artifact.verify event's details. */
static void add_checks(char *buf, size_t size, const json_t *checks)
{
    const char *key;
    const json_t *v;
    char part[512];
    size_t used = 0;

    part[0] = '\0';
    json_object_foreach((json_t *)checks, key, v)
    {
        int n = snprintf(part + used, sizeof(part) - used, "%s%s %s", used ? ", " : "", key,
                         json_is_string(v) ? json_string_value(v) : "?");
        if (n < 0 || (size_t)n >= sizeof(part) - used)
            break;
        used += (size_t)n;
    }
    if (part[0])
        add_part(buf, size, part);
}

const char *cli_event_change(char *buf, size_t size, const json_t *event)
{
    const json_t *target = json_object_get(event, "target");
    const json_t *details = json_object_get(event, "details");
    const char *channel = cli_str(target, "channel", NULL);
    const char *env = cli_str(target, "environment", NULL);
    const char *reason = cli_str(event, "reason", NULL);
    const char *cause = cli_str(details, "cause", NULL);
    const char *action = cli_str(event, "action", "");
    char part[512], d1[CLI_SHORT_DIGEST_MAX], d2[CLI_SHORT_DIGEST_MAX];

    buf[0] = '\0';
    if (channel) {
        snprintf(part, sizeof(part), "to %s%s%s", channel, env ? "/" : "", env ? env : "");
        add_part(buf, size, part);
    }
    if (strcmp(action, "artifact.register") == 0) {
        snprintf(part, sizeof(part), "registered %s from %s", cli_str(event, "kind", "?"),
                 cli_str(event, "sourceType", "?"));
        add_part(buf, size, part);
    } else if (strcmp(action, "project.create") == 0) {
        add_part(buf, size, "project created");
    } else if (strcmp(action, "policy.set") == 0) {
        snprintf(part, sizeof(part), "policy %s (was %s)",
                 cli_short_digest(d1, cli_str(event, "policyDigest", NULL)),
                 cli_short_digest(d2, cli_str(details, "previousPolicyDigest", NULL)));
        add_part(buf, size, part);
    }
    cli_transition_str(part, sizeof(part), json_object_get(event, "transition"));
    if (part[0])
        add_part(buf, size, part);
    else if (strcmp(action, "artifact.verify") == 0)
        add_part(buf, size, "trust unchanged");
    add_checks(buf, size, json_object_get(details, "checks"));
    if (reason && *reason) {
        snprintf(part, sizeof(part), "reason: %s", reason);
        add_part(buf, size, part);
    }
    if (cause) {
        snprintf(part, sizeof(part), "cause: %s", cause);
        add_part(buf, size, part);
    }
    if (!buf[0])
        snprintf(buf, size, "-");
    return buf;
}

/* ---- errors ------------------------------------------------------------- */

int cli_report_error(const cli_ctx *ctx, const cli_response *resp)
{
    const json_t *err = json_object_get(resp->body, "error");
    const json_t *details = json_object_get(err, "details");
    int code = resp->code ? resp->code : vouch_error_code_from_name(cli_str(err, "code", NULL));
    const char *message = cli_str(err, "message", NULL);
    const char *rule = cli_str(details, "rule", NULL);

    if (!message || !*message)
        message = vouch_error_message(NULL, code);
    if (ctx->json && resp->body)
        cli_print_json(stdout, resp->body);
    cli_text(stderr, "vouch: error: %s\n", message);
    if (rule && *rule)
        cli_text(stderr, "  rule: %s\n", rule);
    return cli_response_exit(resp);
}

int cli_report_local(const cli_ctx *ctx, int code, const char *fmt, ...)
{
    vouch_error err;
    cli_response resp;
    va_list ap;
    int rc;

    vouch_error_clear(&err);
    err.code = code;
    va_start(ap, fmt);
    vsnprintf(err.message, sizeof(err.message), fmt, ap);
    va_end(ap);
    resp.status = vouch_error_http_status(code);
    resp.code = code;
    resp.body = vouch_error_body(code, err.message, NULL);
    if (!resp.body) {
        cli_text(stderr, "vouch: error: %s\n", err.message);
        return cli_exit_code(code);
    }
    rc = cli_report_error(ctx, &resp);
    cli_response_release(&resp);
    return rc;
}

int cli_finish(const cli_ctx *ctx, const cli_response *resp, cli_text_fn text)
{
    if (resp->code != 0)
        return cli_report_error(ctx, resp);
    if (ctx->json) {
        if (cli_print_json(stdout, resp->body) != 0)
            return CLI_EXIT_INTERNAL;
    } else if (text) {
        text(ctx, resp->body);
    }
    return CLI_EXIT_OK;
}

int cli_request(cli_ctx *ctx, const char *method, const char *path, json_t *query, json_t *body,
                cli_text_fn text)
{
    cli_response resp;
    cli_call(ctx, method, path, query, body, &resp);
    int rc = cli_finish(ctx, &resp, text);
    cli_response_release(&resp);
    json_decref(query);
    json_decref(body);
    return rc;
}

/* ---- tables ------------------------------------------------------------- */

/* Display width of UTF-8 text: code points, not bytes. */
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

void cli_table_init(cli_table *t, size_t ncols, const char *const *headers)
{
    memset(t, 0, sizeof(*t));
    t->ncols = ncols;
    cli_table_add(t, headers);
}

void cli_table_add(cli_table *t, const char *const *cells)
{
    size_t need;
    if (t->failed)
        return;
    if (vouch_mul_overflow(t->nrows + 1, t->ncols, &need) != 0) {
        t->failed = VOUCH_ENOMEM;
        return;
    }
    if (need > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : t->ncols * 16;
        size_t bytes;
        char **cells_new;
        while (cap < need)
            cap *= 2;
        if (vouch_mul_overflow(cap, sizeof(char *), &bytes) != 0 ||
            !(cells_new = vouch_realloc(t->cells, bytes))) {
            t->failed = VOUCH_ENOMEM;
            return;
        }
        t->cells = cells_new;
        t->cap = cap;
    }
    for (size_t c = 0; c < t->ncols; c++) {
        const char *src = cells[c] && *cells[c] ? cells[c] : "-";
        char *copy = vouch_strdup(src);
        if (copy)
            sanitize(copy, strlen(copy), 0);
        else
            t->failed = VOUCH_ENOMEM;
        t->cells[t->nrows * t->ncols + c] = copy;
    }
    t->nrows++;
}

int cli_table_print(const cli_table *t, FILE *f)
{
    size_t widths[16] = {0};
    if (t->failed)
        return t->failed;
    if (t->ncols > sizeof(widths) / sizeof(widths[0]))
        return VOUCH_EINTERNAL;
    for (size_t i = 0; i < t->nrows * t->ncols; i++) {
        size_t w = text_width(t->cells[i]);
        if (w > widths[i % t->ncols])
            widths[i % t->ncols] = w;
    }
    for (size_t r = 0; r < t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            fputs(cell, f);
            if (c + 1 < t->ncols)
                fprintf(f, "%*s", (int)(widths[c] - text_width(cell) + 2), "");
        }
        fputc('\n', f);
    }
    return 0;
}

void cli_table_release(cli_table *t)
{
    size_t n = t->nrows * t->ncols;
    for (size_t i = 0; i < n; i++)
        vouch_free(t->cells[i]);
    vouch_free(t->cells);
    memset(t, 0, sizeof(*t));
}

/* ---- help --------------------------------------------------------------- */

static void print_indented(FILE *f, const char *text)
{
    const char *line = text;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        fprintf(f, "  %.*s\n", (int)len, line);
        line += len + (end ? 1 : 0);
    }
}

void cli_print_help(FILE *f, const cli_command *cmd, const char *path)
{
    fprintf(f, "Usage: vouch %s\n\n%s", cmd->usage, cmd->description);
    if (cmd->sub) {
        size_t width = 0;
        for (const cli_command *const *s = cmd->sub; *s; s++)
            if (strlen((*s)->name) > width)
                width = strlen((*s)->name);
        fprintf(f, "\nCommands:\n");
        for (const cli_command *const *s = cmd->sub; *s; s++)
            fprintf(f, "  %-*s  %s\n", (int)width, (*s)->name, (*s)->summary);
    }
    if (cmd->options)
        fprintf(f, "\nOptions:\n%s", cmd->options);
    if (cmd->examples) {
        fprintf(f, "\nExamples:\n");
        print_indented(f, cmd->examples);
    }
    fprintf(f, "\nGlobal options (also accepted after the command):\n"
               "  --data DIR, --actor NAME, -o/--output text|json, --correlation-id ID,\n"
               "  -h/--help, --version\n");
    if (cmd->sub)
        fprintf(f, "\nRun 'vouch %s COMMAND --help' for a command's options and examples.\n", path);
    else
        fprintf(f, "\nRun 'vouch --help' for environment variables and exit codes.\n");
}
