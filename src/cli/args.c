/*
 * cli/args.c - the option parser of the vouch command.
 *
 * One grammar for every command: long options as "--name value" or
 * "--name=value", the short forms -h and -o (also "-ojson"), "--" ending
 * options, and the global flags (--data, --actor, --output, --correlation-id,
 * --help, --version) accepted anywhere among a command's own options. A
 * lone "-" is a positional (stdin). Every mistake is a usage error: exit 2
 * with "vouch: <message>" and a pointer to the command's --help.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* How the parser should treat the argument it is looking at. */
typedef struct parse_state {
    cli_ctx *ctx;
    const cli_spec *spec; /* NULL while parsing global flags only */
    int argc;
    char **argv;
    int i; /* index of the current argument */
} parse_state;

int cli_usage_error(const cli_ctx *ctx, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    cli_text(stderr, "vouch: %s\n", msg);
    if (ctx->cmd_path[0])
        cli_text(stderr, "Try 'vouch %s --help'.\n", ctx->cmd_path);
    else
        cli_text(stderr, "Try 'vouch --help'.\n");
    return CLI_EXIT_USAGE;
}

int cli_require(const cli_ctx *ctx, const char *value, const char *name)
{
    if (value)
        return 0;
    return cli_usage_error(ctx, "missing required option %s", name);
}

int cli_check_segment(const cli_ctx *ctx, const char *value, const char *what)
{
    if (!*value)
        return cli_usage_error(ctx, "%s must not be empty", what);
    for (const char *p = value; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == '/' || c == '?' || c == '#' || c == '%' || c < 0x20 || c == 0x7f)
            return cli_usage_error(ctx, "invalid %s '%s': must not contain '%c'", what, value,
                                   c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
    return 0;
}

/* Store a global flag's value. Returns 0 or a usage exit code. */
static int set_global_value(cli_ctx *ctx, const char *name, const char *value)
{
    if (strcmp(name, "output") == 0) {
        if (strcmp(value, "json") == 0)
            ctx->json = 1;
        else if (strcmp(value, "text") == 0)
            ctx->json = 0;
        else
            return cli_usage_error(ctx, "invalid value '%s' for --output: expected text or json",
                                   value);
        return 0;
    }
    if (!*value)
        return cli_usage_error(ctx, "option '--%s' must not be empty", name);
    if (strcmp(name, "data") == 0)
        ctx->data_dir = value;
    else if (strcmp(name, "actor") == 0)
        ctx->actor = value;
    else
        ctx->correlation_id = value;
    return 0;
}

/* Global flags: 1 takes a value, 0 is a flag, -1 unknown. */
static int global_kind(const char *name)
{
    static const char *const with_value[] = {"data", "actor", "output", "correlation-id", NULL};
    for (size_t i = 0; with_value[i]; i++)
        if (strcmp(name, with_value[i]) == 0)
            return 1;
    if (strcmp(name, "help") == 0 || strcmp(name, "version") == 0)
        return 0;
    return -1;
}

static const cli_opt *find_opt(const cli_spec *spec, const char *name)
{
    if (!spec || !spec->opts)
        return NULL;
    for (const cli_opt *o = spec->opts; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

/*
 * Take the value of option `display` ("--project"): the part after '=' when
 * given inline, else the next argument, which must not itself look like a
 * long option. Returns 0 or a usage exit code.
 */
static int take_value(parse_state *st, const char *display, const char *inline_value,
                      const char **out)
{
    if (inline_value) {
        *out = inline_value;
        return 0;
    }
    if (st->i + 1 >= st->argc || strncmp(st->argv[st->i + 1], "--", 2) == 0)
        return cli_usage_error(st->ctx, "option '%s' needs a value", display);
    st->i++;
    *out = st->argv[st->i];
    return 0;
}

/* One option named `name` ("project", "o" mapped to "output", ...). */
static int apply_option(parse_state *st, const char *name, const char *display,
                        const char *inline_value)
{
    const cli_opt *opt = find_opt(st->spec, name);
    const char *value = NULL;
    int kind, rc;

    if (opt) {
        if (!opt->metavar) {
            if (inline_value)
                return cli_usage_error(st->ctx, "option '%s' takes no value", display);
            *opt->flag = 1;
            return 0;
        }
        return take_value(st, display, inline_value, opt->value);
    }
    kind = global_kind(name);
    if (kind < 0)
        return cli_usage_error(st->ctx, "unknown option '%s'", display);
    if (kind == 0) {
        if (inline_value)
            return cli_usage_error(st->ctx, "option '%s' takes no value", display);
        if (strcmp(name, "help") == 0)
            st->ctx->help = 1;
        else
            st->ctx->version = 1;
        return 0;
    }
    if ((rc = take_value(st, display, inline_value, &value)) != 0)
        return rc;
    return set_global_value(st->ctx, name, value);
}

/* An argument starting with '-' (not "-" or "--"). */
static int parse_option(parse_state *st)
{
    const char *arg = st->argv[st->i];
    char name[64], display[80];

    if (arg[1] == '-') {
        const char *eq = strchr(arg + 2, '=');
        size_t len = eq ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);
        if (len >= sizeof(name))
            return cli_usage_error(st->ctx, "unknown option '%.60s...'", arg);
        memcpy(name, arg + 2, len);
        name[len] = '\0';
        snprintf(display, sizeof(display), "--%s", name);
        return apply_option(st, name, display, eq ? eq + 1 : NULL);
    }
    snprintf(display, sizeof(display), "-%c", arg[1]);
    if (arg[1] == 'h' && arg[2] == '\0')
        return apply_option(st, "help", display, NULL);
    if (arg[1] == 'o')
        return apply_option(st, "output", display, arg[2] ? arg + 2 : NULL);
    return cli_usage_error(st->ctx, "unknown option '%s'", arg);
}

int cli_parse_globals(cli_ctx *ctx, int argc, char **argv, int *index)
{
    parse_state st = {ctx, NULL, argc, argv, *index};
    int rc;

    for (; st.i < argc; st.i++) {
        const char *arg = argv[st.i];
        if (strcmp(arg, "--") == 0) {
            st.i++;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0')
            break;
        if ((rc = parse_option(&st)) != 0)
            return rc;
    }
    *index = st.i;
    return 0;
}

static size_t count_names(const char *const *names)
{
    size_t n = 0;
    while (names && names[n])
        n++;
    return n;
}

/* After a successful parse: --help and --version stop the command. */
static int stop_for_help(cli_ctx *ctx, int *exit_out)
{
    if (ctx->help) {
        cli_print_help(stdout, ctx->cmd, ctx->cmd_path);
        *exit_out = CLI_EXIT_OK;
        return 1;
    }
    if (ctx->version) {
        printf("vouch %s\n", VOUCH_VERSION);
        *exit_out = CLI_EXIT_OK;
        return 1;
    }
    return 0;
}

int cli_parse(cli_ctx *ctx, const cli_spec *spec, int argc, char **argv, int *exit_out)
{
    parse_state st = {ctx, spec, argc, argv, 0};
    size_t npos = 0, max_pos = count_names(spec->pos_names);
    int options_done = 0, rc;

    for (size_t k = 0; k < max_pos; k++)
        spec->pos[k] = NULL;
    if (stop_for_help(ctx, exit_out)) /* --help before the command name */
        return 0;
    for (; st.i < argc; st.i++) {
        const char *arg = argv[st.i];
        if (!options_done && strcmp(arg, "--") == 0) {
            options_done = 1;
        } else if (!options_done && arg[0] == '-' && arg[1] != '\0') {
            if ((rc = parse_option(&st)) != 0) {
                *exit_out = rc;
                return 0;
            }
            if (ctx->help)
                break; /* help wins over whatever else is wrong */
        } else if (npos < max_pos) {
            spec->pos[npos++] = arg;
        } else {
            *exit_out = cli_usage_error(ctx, "unexpected argument '%s'", arg);
            return 0;
        }
    }
    if (stop_for_help(ctx, exit_out))
        return 0;
    if (npos < spec->pos_required) {
        *exit_out = cli_usage_error(ctx, "missing argument %s", spec->pos_names[npos]);
        return 0;
    }
    return 1;
}
