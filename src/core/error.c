/* error.c - recording error details and mapping codes to names and HTTP statuses. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vouch/error.h"

void vouch_error_clear(vouch_error *err)
{
    if (!err)
        return;
    err->code = 0;
    err->message[0] = '\0';
    err->rule[0] = '\0';
}

VOUCH_PRINTF(4, 0)
static int set_v(vouch_error *err, int code, const char *rule, const char *fmt, va_list ap)
{
    if (!err || err->code != 0)
        return code;
    err->code = code;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    if (rule)
        snprintf(err->rule, sizeof(err->rule), "%s", rule);
    else
        err->rule[0] = '\0';
    return code;
}

int vouch_error_set(vouch_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_v(err, code, NULL, fmt, ap);
    va_end(ap);
    return code;
}

int vouch_error_set_rule(vouch_error *err, int code, const char *rule, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_v(err, code, rule, fmt, ap);
    va_end(ap);
    return code;
}

static const struct {
    int code;
    const char *name;
    int http;
    const char *text;
} codes[] = {
    {VOUCH_EINVAL, "invalid_argument", 400, "invalid argument"},
    {VOUCH_ENOTFOUND, "not_found", 404, "not found"},
    {VOUCH_EEXISTS, "already_exists", 409, "already exists"},
    {VOUCH_ECONFLICT, "conflict", 409, "conflict with stored state"},
    {VOUCH_EDENIED, "denied", 403, "denied by policy"},
    {VOUCH_EVERIFY, "verification_failed", 422, "verification failed"},
    {VOUCH_EAUTH, "unauthorized", 401, "not authorized"},
    {VOUCH_ETOOBIG, "too_large", 413, "input too large"},
    {VOUCH_EIO, "io_error", 500, "input/output error"},
    {VOUCH_ESTORE, "store_error", 500, "database error"},
    {VOUCH_ENOMEM, "out_of_memory", 500, "out of memory"},
    {VOUCH_EINTERNAL, "internal", 500, "internal error"},
};

const char *vouch_error_code_name(int code)
{
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == code)
            return codes[i].name;
    return code == 0 ? "ok" : "internal";
}

int vouch_error_code_from_name(const char *name)
{
    if (!name)
        return VOUCH_EINTERNAL;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (strcmp(codes[i].name, name) == 0)
            return codes[i].code;
    return strcmp(name, "ok") == 0 ? 0 : VOUCH_EINTERNAL;
}

int vouch_error_http_status(int code)
{
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == code)
            return codes[i].http;
    return code == 0 ? 200 : 500;
}

const char *vouch_error_message(const vouch_error *err, int code)
{
    if (err && err->code != 0 && err->message[0])
        return err->message;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        if (codes[i].code == code)
            return codes[i].text;
    return "unknown error";
}
