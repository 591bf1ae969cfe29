/*
 * cli/cmd_policy.c - `vouch policy set|show|verify`: a project's policy
 * document (YAML or JSON, schema/policy.schema.json).
 *
 * The file is read here and sent as text ({"document","source"}); parsing
 * and validation happen once, behind the router, so remote and local
 * answers agree. Routes: PUT /v1/projects/{p}/policy, GET the same,
 * POST /v1/policies/verify (needs no data directory).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "vouch/alloc.h"
#include "vouch/buf.h"
#include "vouch/error.h"

/* Larger policy files are refused before anything is sent. */
#define POLICY_FILE_MAX ((size_t)1024 * 1024)

/*
 * Read `file` ("-": stdin) into a JSON string for the request body. Returns
 * 0 and a new reference in *out, or an exit code after reporting why
 * (unreadable, over POLICY_FILE_MAX, not UTF-8).
 */
static int read_document(const cli_ctx *ctx, json_t **out, const char *file)
{
    FILE *f = strcmp(file, "-") == 0 ? stdin : fopen(file, "rb");
    vouch_buf b;
    char chunk[8192];
    size_t n;
    int rc = 0;

    *out = NULL;
    if (!f)
        return cli_report_local(ctx, errno == ENOENT ? VOUCH_ENOTFOUND : VOUCH_EINVAL,
                                "cannot read policy file '%s': %s", file, strerror(errno));
    vouch_buf_init(&b, POLICY_FILE_MAX);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        if (vouch_buf_append(&b, chunk, n) != 0)
            break;
    if (b.failed == VOUCH_ETOOBIG)
        rc = cli_report_local(ctx, VOUCH_ETOOBIG, "policy file '%s' is larger than 1 MiB", file);
    else if (b.failed)
        rc = cli_report_local(ctx, b.failed, "out of memory reading policy file '%s'", file);
    else if (ferror(f))
        rc = cli_report_local(ctx, VOUCH_EINVAL, "cannot read policy file '%s': %s", file,
                              strerror(errno));
    else if (!(*out = json_stringn(b.ptr, b.len)))
        rc = cli_report_local(ctx, VOUCH_EINVAL, "policy file '%s' is not valid UTF-8 text", file);
    if (f != stdin)
        fclose(f);
    vouch_buf_release(&b);
    return rc;
}

/* {"document": <file text>, "source": <file name>} */
static int document_body(const cli_ctx *ctx, json_t **out, const char *file)
{
    json_t *doc;
    int rc = read_document(ctx, &doc, file);

    if (rc != 0)
        return rc;
    if (!(*out = json_object())) {
        json_decref(doc);
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    }
    if (json_object_set_new(*out, "document", doc) != 0 ||
        json_object_set_new(*out, "source",
                            json_string(strcmp(file, "-") == 0 ? "<stdin>" : file)) != 0) {
        json_decref(*out);
        *out = NULL;
        return cli_report_local(ctx, VOUCH_EINVAL, "policy file name '%s' is not valid UTF-8",
                                file);
    }
    return 0;
}

static void print_set(const cli_ctx *ctx, const json_t *body)
{
    const json_t *rederived = json_object_get(body, "rederived");
    const json_t *r;
    char corr[16];
    size_t i;

    if (!json_is_true(json_object_get(body, "changed"))) {
        cli_text(stdout, "policy of %s unchanged (%s)\n", cli_str(body, "project", "?"),
                 cli_str(body, "policyDigest", "-"));
        return;
    }
    cli_text(stdout, "policy of %s set to %s (was %s) [correlation %s]\n",
             cli_str(body, "project", "?"), cli_str(body, "policyDigest", "-"),
             cli_str(body, "previousPolicyDigest", "-"),
             cli_short_id(corr, cli_correlation_id(ctx)));
    if (json_array_size(rederived) == 0)
        return;
    cli_text(stdout, "trust re-derived for %zu artifact(s):\n", json_array_size(rederived));
    json_array_foreach(rederived, i, r)
    {
        char digest[CLI_SHORT_DIGEST_MAX];
        cli_text(stdout, "  %s  %s -> %s\n", cli_short_digest(digest, cli_str(r, "digest", NULL)),
                 cli_str(r, "from", "-"), cli_str(r, "to", "-"));
    }
}

static int run_set(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"FILE", NULL};
    const char *file, *project = NULL;
    const cli_opt opts[] = {{"project", "P", &project, NULL}, {NULL, NULL, NULL, NULL}};
    cli_spec spec = {opts, pos_names, 1, &file};
    json_t *body = NULL;
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = cli_require(ctx, project, "--project")) != 0 ||
        (rc = cli_check_segment(ctx, project, "project name")) != 0)
        return rc;
    if ((rc = document_body(ctx, &body, file)) != 0)
        return rc;
    if (!(path = cli_strf("/v1/projects/%s/policy", project))) {
        json_decref(body);
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    }
    rc = cli_request(ctx, "PUT", path, NULL, body, print_set);
    vouch_free(path);
    return rc;
}

static void print_channels(const json_t *channels)
{
    static const char *const headers[] = {"CHANNEL",   "FROM",    "REQUIRE",
                                          "PROMOTERS", "NON-OCI", "ENVIRONMENTS"};
    const json_t *c;
    cli_table t;
    size_t i;

    cli_table_init(&t, 6, headers);
    json_array_foreach(channels, i, c)
    {
        char require[128], promoters[256], envs[256];
        const json_t *non_oci = json_object_get(c, "allowNonOci");
        const char *row[6];
        row[0] = cli_str(c, "name", NULL);
        row[1] = cli_str(c, "from", NULL);
        row[2] = cli_join(require, sizeof(require), json_object_get(c, "require"), ",");
        row[3] = cli_join(promoters, sizeof(promoters), json_object_get(c, "promoters"), ",");
        row[4] = json_is_boolean(non_oci) ? (json_is_true(non_oci) ? "yes" : "no") : NULL;
        row[5] = cli_join(envs, sizeof(envs), json_object_get(c, "environments"), ",");
        cli_table_add(&t, row);
    }
    if (cli_table_print(&t, stdout) != 0)
        cli_text(stderr, "vouch: error: out of memory while printing\n");
    cli_table_release(&t);
}

static void print_show(const cli_ctx *ctx, const json_t *body)
{
    const json_t *policy = json_object_get(body, "policy");
    const json_t *non_oci = json_object_get(policy, "allowNonOci");
    const json_t *v;
    const char *key;
    char buf[512];
    size_t i;

    (void)ctx;
    cli_kv(stdout, 12, "project", cli_str(body, "project", NULL));
    cli_kv(stdout, 12, "policy", cli_str(body, "policyDigest", NULL));
    cli_kv(stdout, 12, "baseline",
           cli_join(buf, sizeof(buf), json_object_get(policy, "baseline"), ", "));
    cli_kv(stdout, 12, "allowNonOci",
           json_is_boolean(non_oci) ? (json_is_true(non_oci) ? "true" : "false") : NULL);
    if (json_array_size(json_object_get(policy, "sources")) == 0)
        cli_kv(stdout, 12, "sources", "none (no source is allowlisted)");
    json_array_foreach(json_object_get(policy, "sources"), i, v)
    {
        snprintf(buf, sizeof(buf), "%s %s", cli_str(v, "type", "?"), cli_str(v, "match", "?"));
        cli_kv(stdout, 12, i == 0 ? "sources" : "", buf);
    }
    i = 0;
    json_object_foreach((json_t *)json_object_get(policy, "groups"), key, v)
    {
        char members[384];
        snprintf(buf, sizeof(buf), "%s: %s", key, cli_join(members, sizeof(members), v, ", "));
        cli_kv(stdout, 12, i++ == 0 ? "groups" : "", buf);
    }
    cli_text(stdout, "\n");
    print_channels(json_object_get(policy, "channels"));
}

static int run_show(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const no_pos[] = {NULL};
    const char *project = NULL;
    const cli_opt opts[] = {{"project", "P", &project, NULL}, {NULL, NULL, NULL, NULL}};
    cli_spec spec = {opts, no_pos, 0, NULL};
    char *path;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = cli_require(ctx, project, "--project")) != 0 ||
        (rc = cli_check_segment(ctx, project, "project name")) != 0)
        return rc;
    if (!(path = cli_strf("/v1/projects/%s/policy", project)))
        return cli_report_local(ctx, VOUCH_ENOMEM, "out of memory");
    rc = cli_request(ctx, "GET", path, NULL, NULL, print_show);
    vouch_free(path);
    return rc;
}

static void print_verify(const cli_ctx *ctx, const json_t *body)
{
    const json_t *channels = json_object_get(json_object_get(body, "policy"), "channels");
    const json_t *c;
    char names[512];
    size_t i, used = 0;

    (void)ctx;
    names[0] = '\0';
    json_array_foreach(channels, i, c)
    {
        int n = snprintf(names + used, sizeof(names) - used, "%s%s", i ? " -> " : "",
                         cli_str(c, "name", "?"));
        if (n < 0 || (size_t)n >= sizeof(names) - used)
            break;
        used += (size_t)n;
    }
    cli_text(stdout, "policy is valid: %s\n", cli_str(body, "policyDigest", "-"));
    cli_text(stdout, "channels: %s\n", names[0] ? names : "none");
}

static int run_verify(cli_ctx *ctx, int argc, char **argv)
{
    static const char *const pos_names[] = {"FILE", NULL};
    const char *file;
    cli_spec spec = {NULL, pos_names, 1, &file};
    cli_response resp;
    json_t *body = NULL;
    int rc;

    if (!cli_parse(ctx, &spec, argc, argv, &rc))
        return rc;
    if ((rc = document_body(ctx, &body, file)) != 0)
        return rc;
    ctx->stateless = 1; /* the router checks a policy without a data directory */
    cli_call(ctx, "POST", "/v1/policies/verify", NULL, body, &resp);
    ctx->stateless = 0;
    rc = cli_finish(ctx, &resp, print_verify);
    cli_response_release(&resp);
    json_decref(body);
    return rc;
}

static const cli_command set_cmd = {
    "set",
    "validate a policy file and pin it on a project",
    "policy set --project P FILE",
    "Validate FILE (YAML or JSON; '-' reads stdin; at most 1 MiB) and make it the\n"
    "project's policy, pinned by its digest. Trust states of the project's\n"
    "artifacts are re-derived from their stored checks under the new baseline;\n"
    "each change is audited. An invalid policy changes nothing (exit 2).\n",
    "  --project P   project whose policy is replaced (required)\n",
    "vouch policy set --project payments policy.yaml\n"
    "vouch --actor alice policy set --project payments - < policy.json\n"
    "vouch policy set --project payments policy.yaml --correlation-id CHG-1042\n",
    run_set,
    NULL,
};

static const cli_command show_cmd = {
    "show",
    "show the policy pinned on a project",
    "policy show --project P",
    "Show the project's policy in its normalized form (defaults made explicit):\n"
    "baseline, source allowlist, groups and the channel rules in order.\n"
    "--output json prints the normalized document.\n",
    "  --project P   project to show (required)\n",
    "vouch policy show --project payments\n"
    "vouch policy show --project payments -o json | jq .policy > policy.json\n",
    run_show,
    NULL,
};

static const cli_command verify_cmd = {
    "verify",
    "check a policy file without storing it",
    "policy verify FILE",
    "Parse and validate FILE ('-' reads stdin) exactly as 'policy set' would and\n"
    "print its digest. Needs no data directory. Exit 2 with the reason (file,\n"
    "line and field) when the policy is invalid.\n",
    NULL,
    "vouch policy verify policy.yaml\n"
    "vouch policy verify - < policy.json\n"
    "vouch policy verify policy.yaml -o json | jq -r .policyDigest\n",
    run_verify,
    NULL,
};

static const cli_command *const policy_cmds[] = {&set_cmd, &show_cmd, &verify_cmd, NULL};

const cli_command cli_policy_group = {
    "policy",
    "manage project policies",
    "policy COMMAND [OPTIONS]",
    "A policy says what 'verified' means (baseline checks), which sources are\n"
    "allowed, and the ordered channels with their promotion rules.\n",
    NULL,
    "vouch policy verify policy.yaml\n"
    "vouch policy set --project payments policy.yaml\n"
    "vouch policy show --project payments\n",
    NULL,
    policy_cmds,
};
