/*
 * cli/main.c - the vouch command: global flags and their defaults, the
 * dispatch table of commands and groups, exit codes, and `vouch help`.
 *
 * main() is the only function of the command that exits. Each command
 * returns an exit code; a failure to write stdout turns success into
 * exit 5 so that a full disk never passes for a clean run.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/error.h"

static int cmd_help(cli_ctx *ctx, int argc, char **argv);

static const cli_command help_cmd = {
    "help",
    "show help for vouch or for one command",
    "help [COMMAND [SUBCOMMAND]]",
    "Show the help of vouch, of a command group or of one command; the same as\n"
    "'vouch COMMAND --help'.\n",
    NULL,
    "vouch help\n"
    "vouch help artifact register\n",
    cmd_help,
    NULL,
};

static const cli_command *const commands[] = {
    &cli_init_cmd,
    &cli_project_group,
    &cli_policy_group,
    &cli_artifact_group,
    &cli_promote_cmd,
    &cli_status_cmd,
    &cli_history_cmd,
    &cli_audit_group,
    &cli_digest_cmd,
    &help_cmd,
    NULL,
};

int cli_exit_code(int code)
{
    switch (code) {
    case VOUCH_OK:
        return CLI_EXIT_OK;
    case VOUCH_EINVAL:
    case VOUCH_ETOOBIG:
        return CLI_EXIT_USAGE;
    case VOUCH_ENOTFOUND:
        return CLI_EXIT_NOTFOUND;
    case VOUCH_EEXISTS:
    case VOUCH_ECONFLICT:
        return CLI_EXIT_CONFLICT;
    case VOUCH_EDENIED:
    case VOUCH_EVERIFY:
    case VOUCH_EAUTH:
        return CLI_EXIT_DENIED;
    default:
        return CLI_EXIT_INTERNAL;
    }
}

int cli_response_exit(const cli_response *resp)
{
    const json_t *err;
    if (resp->code != 0)
        return cli_exit_code(resp->code);
    if (resp->status < 400)
        return CLI_EXIT_OK;
    err = json_object_get(resp->body, "error");
    return cli_exit_code(vouch_error_code_from_name(cli_str(err, "code", NULL)));
}

void cli_ctx_init(cli_ctx *ctx)
{
    memset(ctx, 0, sizeof(*ctx));
}

void cli_ctx_release(cli_ctx *ctx)
{
    vouch_service_close(ctx->svc);
    vouch_free(ctx->data_dir_owned);
    vouch_free(ctx->actor_owned);
    memset(ctx, 0, sizeof(*ctx));
}

static const char *nonempty_env(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? v : NULL;
}

/* ${XDG_DATA_HOME:-$HOME/.local/share}/vouch; XDG says to ignore a
 * relative XDG_DATA_HOME. */
static char *default_data_dir(void)
{
    const char *xdg = nonempty_env("XDG_DATA_HOME");
    const char *home = nonempty_env("HOME");
    if (xdg && xdg[0] == '/')
        return cli_strf("%s/vouch", xdg);
    if (!home) {
        const struct passwd *pw = getpwuid(geteuid());
        home = pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
    }
    return home ? cli_strf("%s/.local/share/vouch", home) : NULL;
}

static char *default_actor(void)
{
    const struct passwd *pw = getpwuid(geteuid());
    if (pw && pw->pw_name && *pw->pw_name)
        return vouch_strdup(pw->pw_name);
    return cli_strf("uid-%lu", (unsigned long)geteuid());
}

int cli_ctx_resolve(cli_ctx *ctx)
{
    if (!ctx->data_dir)
        ctx->data_dir = nonempty_env("VOUCH_DATA");
    if (!ctx->data_dir) {
        ctx->data_dir = ctx->data_dir_owned = default_data_dir();
        if (!ctx->data_dir)
            return cli_usage_error(ctx, "no data directory: set --data DIR, VOUCH_DATA or HOME");
    }
    if (!ctx->actor)
        ctx->actor = nonempty_env("VOUCH_ACTOR");
    if (!ctx->actor) {
        ctx->actor = ctx->actor_owned = default_actor();
        if (!ctx->actor)
            return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    }
    return 0;
}

static const cli_command *find_command(const cli_command *const *list, const char *name)
{
    for (; list && *list; list++)
        if (strcmp((*list)->name, name) == 0)
            return *list;
    return NULL;
}

static void print_command_list(FILE *f)
{
    for (const cli_command *const *c = commands; *c; c++) {
        if (!(*c)->sub) {
            fprintf(f, "  %-20s %s\n", (*c)->name, (*c)->summary);
            continue;
        }
        for (const cli_command *const *s = (*c)->sub; *s; s++) {
            char name[64];
            snprintf(name, sizeof(name), "%s %s", (*c)->name, (*s)->name);
            fprintf(f, "  %-20s %s\n", name, (*s)->summary);
        }
    }
}

static void print_main_help(FILE *f)
{
    fprintf(f,
            "vouch %s - artifact trust and release promotion\n\n"
            "Usage: vouch [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGUMENTS]\n\n"
            "Records build outputs by digest, verifies them, promotes them explicitly\n"
            "through each project's channels and keeps a verifiable audit trail.\n\n"
            "Commands:\n",
            VOUCH_VERSION);
    print_command_list(f);
    fprintf(f, "\nGlobal options (before or after the command):\n"
               "  --data DIR            data directory (local mode)\n"
               "  --actor NAME          who is acting, recorded in the audit trail\n"
               "  -o, --output FORMAT   text (default, for people) or json (for scripts)\n"
               "  --correlation-id ID   ties the audit events of one change together\n"
               "                        (default: a new UUID per invocation)\n"
               "  -h, --help            show help (also: vouch help COMMAND)\n"
               "  --version             print the version\n"
               "\nEnvironment:\n"
               "  VOUCH_DATA      data directory when --data is not given\n"
               "                  (default ${XDG_DATA_HOME:-$HOME/.local/share}/vouch)\n"
               "  VOUCH_ACTOR     actor when --actor is not given (default: login name)\n"
               "\nExit codes:\n"
               "  0  ok\n"
               "  1  denied by policy, or verification failed\n"
               "  2  usage error or malformed input\n"
               "  3  not found\n"
               "  4  conflict (e.g. already exists with other metadata)\n"
               "  5  internal or I/O error\n"
               "\nGet started:\n"
               "  vouch init && vouch project create payments\n"
               "\nRun 'vouch COMMAND --help' for a command's options and examples.\n");
}

/* "create, list, show" for a group. */
static const char *sub_names(char *buf, size_t size, const cli_command *group)
{
    size_t used = 0;
    buf[0] = '\0';
    for (const cli_command *const *s = group->sub; s && *s; s++) {
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", (*s)->name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

/* Set the command being run, for its help and its usage errors. */
static void enter(cli_ctx *ctx, const cli_command *cmd)
{
    size_t used = strlen(ctx->cmd_path);
    snprintf(ctx->cmd_path + used, sizeof(ctx->cmd_path) - used, "%s%s", used ? " " : "",
             cmd->name);
    ctx->cmd = cmd;
}

static int cmd_help(cli_ctx *ctx, int argc, char **argv)
{
    const char *names[3];
    static const char *const pos_names[] = {"COMMAND", "SUBCOMMAND", NULL};
    cli_spec spec = {NULL, pos_names, 0, names};
    const cli_command *cmd = NULL;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if (!names[0]) {
        print_main_help(stdout);
        return CLI_EXIT_OK;
    }
    ctx->cmd_path[0] = '\0';
    if (!(cmd = find_command(commands, names[0])))
        return cli_usage_error(ctx, "unknown command '%s'", names[0]);
    enter(ctx, cmd);
    if (names[1]) {
        const cli_command *sub = find_command(cmd->sub, names[1]);
        if (!sub)
            return cli_usage_error(ctx, "unknown command '%s %s'", names[0], names[1]);
        enter(ctx, sub);
        cmd = sub;
    }
    cli_print_help(stdout, cmd, ctx->cmd_path);
    return CLI_EXIT_OK;
}

/*
 * Find the command at argv[*i] (descending into a group, whose global
 * flags may sit between group and subcommand). Returns NULL with *rc set
 * when there is nothing to run: help printed, or a usage error.
 */
static const cli_command *resolve(cli_ctx *ctx, int argc, char **argv, int *i, int *rc)
{
    const cli_command *const *list = commands;
    const cli_command *cmd = NULL;

    for (;;) {
        const cli_command *next;
        if ((*rc = cli_parse_globals(ctx, argc, argv, i)) != 0)
            return NULL;
        if (*i >= argc) {
            if (!cmd && (ctx->help || ctx->version)) {
                if (ctx->help)
                    print_main_help(stdout);
                else
                    printf("vouch %s\n", VOUCH_VERSION);
                *rc = CLI_EXIT_OK;
            } else if (!cmd) {
                print_main_help(stderr);
                *rc = CLI_EXIT_USAGE;
            } else if (ctx->help || ctx->version) {
                if (ctx->help)
                    cli_print_help(stdout, cmd, ctx->cmd_path);
                else
                    printf("vouch %s\n", VOUCH_VERSION);
                *rc = CLI_EXIT_OK;
            } else {
                char names[128];
                *rc = cli_usage_error(ctx, "missing command after 'vouch %s' (one of %s)",
                                      ctx->cmd_path, sub_names(names, sizeof(names), cmd));
            }
            return NULL;
        }
        if (!(next = find_command(list, argv[*i]))) {
            *rc = cli_usage_error(ctx, "unknown command '%s%s%s'", ctx->cmd_path,
                                  ctx->cmd_path[0] ? " " : "", argv[*i]);
            return NULL;
        }
        enter(ctx, next);
        (*i)++;
        cmd = next;
        if (!cmd->sub)
            return cmd;
        list = cmd->sub;
    }
}

int main(int argc, char **argv)
{
    cli_ctx ctx;
    const cli_command *cmd;
    int i = 1, rc = CLI_EXIT_OK;

    cli_ctx_init(&ctx);
    cmd = resolve(&ctx, argc, argv, &i, &rc);
    if (cmd && (rc = cli_ctx_resolve(&ctx)) == 0)
        rc = cmd->run(&ctx, argc - i, argv + i);
    cli_ctx_release(&ctx);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "vouch: error: cannot write the output\n");
        if (rc == CLI_EXIT_OK)
            rc = CLI_EXIT_INTERNAL;
    }
    return rc;
}
