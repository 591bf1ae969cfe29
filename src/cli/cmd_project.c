/*
 * cli/cmd_project.c - `vouch project create|list|show`: the namespaces that
 * hold a policy, channels and artifacts.
 *
 * Routes: POST /v1/projects, GET /v1/projects, GET /v1/projects/{p}.
 */
#include <stdio.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/error.h"

static void print_created(const cli_ctx *ctx, const json_t *body)
{
    const json_t *p = json_object_get(body, "project");
    char channels[256], corr[16];

    cli_text(stdout, "created project %s (channels %s; policy %s) [correlation %s]\n",
             cli_str(p, "name", "?"),
             cli_join(channels, sizeof(channels), json_object_get(p, "channels"), ", "),
             cli_str(p, "policyDigest", "-"), cli_short_id(corr, cli_correlation_id(ctx)));
}

static int run_create(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"NAME", NULL};
    const char *name;
    cli_spec spec = {NULL, pos_names, 1, &name};
    json_t *body;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if (!(body = json_pack("{s:s}", "name", name)))
        return cli_report_local(ctx, VOUCH_EINVAL, "project name '%s' is not valid UTF-8", name);
    rc = cli_request(ctx, "POST", "/v1/projects", NULL, body, print_created);
    return rc;
}

static void print_list(const cli_ctx *ctx, const json_t *body)
{
    static const char *const headers[] = {"NAME", "CHANNELS", "ARTIFACTS", "POLICY", "CREATED"};
    const json_t *projects = json_object_get(body, "projects");
    const json_t *p;
    cli_table t;
    size_t i;

    (void)ctx;
    if (json_array_size(projects) == 0) {
        cli_text(stdout, "no projects yet; create one with 'vouch project create NAME'\n");
        return;
    }
    cli_table_init(&t, 5, headers);
    json_array_foreach(projects, i, p)
    {
        char channels[256], count[32], policy[CLI_SHORT_DIGEST_MAX];
        const char *row[5];
        row[0] = cli_str(p, "name", NULL);
        row[1] = cli_join(channels, sizeof(channels), json_object_get(p, "channels"), ",");
        row[2] = cli_int_str(count, sizeof(count), p, "artifactCount");
        row[3] = cli_short_digest(policy, cli_str(p, "policyDigest", NULL));
        row[4] = cli_str(p, "createdAt", NULL);
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static int run_list(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    cli_spec spec = {NULL, no_pos, 0, NULL};
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    rc = cli_request(ctx, "GET", "/v1/projects", NULL, NULL, print_list);
    return rc;
}

static void print_show(const cli_ctx *ctx, const json_t *body)
{
    const json_t *p = json_object_get(body, "project");
    char channels[512], count[32];

    (void)ctx;
    cli_kv(stdout, 10, "name", cli_str(p, "name", NULL));
    cli_kv(stdout, 10, "policy", cli_str(p, "policyDigest", NULL));
    cli_kv(stdout, 10, "channels",
           cli_join(channels, sizeof(channels), json_object_get(p, "channels"), " -> "));
    cli_kv(stdout, 10, "artifacts", cli_int_str(count, sizeof(count), p, "artifactCount"));
    cli_kv(stdout, 10, "created", cli_str(p, "createdAt", NULL));
}

static int run_show(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"NAME", NULL};
    const char *name;
    cli_spec spec = {NULL, pos_names, 1, &name};
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = cli_check_segment(ctx, name, "project name")) != 0)
        return rc;
    if (!(path = cli_strf("/v1/projects/%s", name)))
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    rc = cli_request(ctx, "GET", path, NULL, NULL, print_show);
    vouch_free(path);
    return rc;
}

static const cli_command create_cmd = {
    "create",
    "create a project with the default policy",
    "project create NAME",
    "Create a project. It starts with the default policy: channels dev, test,\n"
    "staging and prod (each promoted from the previous one), baseline [digest],\n"
    "any actor may promote. Replace it with 'vouch policy set'. A second project\n"
    "of the same name is refused (exit 4).\n",
    NULL,
    "vouch project create payments\n"
    "vouch --actor alice project create payments --correlation-id CHG-1042\n"
    "vouch project create payments -o json\n",
    run_create,
    NULL,
};

static const cli_command list_cmd = {
    "list",
    "list projects",
    "project list",
    "List every project with its channels, artifact count and pinned policy.\n",
    NULL,
    "vouch project list\n"
    "vouch project list -o json | jq -r '.projects[].name'\n",
    run_list,
    NULL,
};

static const cli_command show_cmd = {
    "show",
    "show one project",
    "project show NAME",
    "Show a project: its pinned policy digest, channels in promotion order,\n"
    "artifact count and creation time. Exit 3 when there is no such project.\n",
    NULL,
    "vouch project show payments\n"
    "vouch project show payments --output json\n",
    run_show,
    NULL,
};

static const cli_command *const project_cmds[] = {&create_cmd, &list_cmd, &show_cmd, NULL};

const cli_command cli_project_group = {
    "project",
    "manage projects",
    "project COMMAND [OPTIONS]",
    "A project is a namespace with its own policy, channels and artifacts.\n",
    NULL,
    "vouch project create payments\n"
    "vouch project list\n"
    "vouch project show payments\n",
    NULL,
    project_cmds,
};
