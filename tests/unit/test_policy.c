/* test_policy.c - policy parsing (YAML and JSON), validation messages, digest identity, glob. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "testutil.h"
#include "vouch/alloc.h"
#include "vouch/buf.h"
#include "vouch/digest.h"
#include "vouch/error.h"
#include "vouch/hash.h"
#include "vouch/json.h"
#include "vouch/policy.h"

/* The example of issue 2, section 5. */
static const char example_yaml[] =
    "apiVersion: vouch/v1\n"
    "kind: Policy\n"
    "baseline: [digest, source]          # what \"verified\" means for the trust state\n"
    "allowNonOci: true                   # project default\n"
    "groups:\n"
    "  release-managers: [alice, bob]\n"
    "sources:                            # allowlist\n"
    "  - {type: file, match: \"/srv/builds/**\"}\n"
    "  - {type: oci,  match: \"registry.example.com/payments/*\"}\n"
    "channels:                           # ordered; names are data, not code\n"
    "  - {name: dev,     require: [digest],         promoters: [\"*\"]}\n"
    "  - {name: test,    from: dev,  require: [digest, source], promoters: [ci]}\n"
    "  - {name: staging, from: test, require: [digest, source], promoters: [ci, "
    "\"@release-managers\"]}\n"
    "  - {name: prod,    from: staging, require: [digest, source], promoters: "
    "[\"@release-managers\"], allowNonOci: false, environments: [eu-1, us-1]}\n";

/* The same policy as JSON: other member order, sets in other orders, whitespace. */
static const char example_json[] =
    "  \n{\n"
    "  \"kind\": \"Policy\", \"apiVersion\": \"vouch/v1\",\n"
    "  \"channels\": [\n"
    "    {\"name\": \"dev\", \"promoters\": [\"*\"], \"require\": [\"digest\"]},\n"
    "    {\"name\": \"test\", \"from\": \"dev\", \"require\": [\"source\", \"digest\"],\n"
    "     \"promoters\": [\"ci\"]},\n"
    "    {\"require\": [\"digest\", \"source\"], \"name\": \"staging\", \"from\": \"test\",\n"
    "     \"promoters\": [\"ci\", \"@release-managers\"]},\n"
    "    {\"name\": \"prod\", \"from\": \"staging\", \"require\": [\"digest\", \"source\"],\n"
    "     \"promoters\": [\"@release-managers\"], \"allowNonOci\": false,\n"
    "     \"environments\": [\"eu-1\", \"us-1\"]}\n"
    "  ],\n"
    "  \"sources\": [{\"match\": \"/srv/builds/**\", \"type\": \"file\"},\n"
    "              {\"type\": \"oci\", \"match\": \"registry.example.com/payments/*\"}],\n"
    "  \"groups\": {\"release-managers\": [\"alice\", \"bob\"]},\n"
    "  \"allowNonOci\": true,\n"
    "  \"baseline\": [\"source\", \"digest\"]\n"
    "}\n";

/* The same policy again in block-style YAML with explicit defaults. */
static const char example_block_yaml[] = "---\n"
                                         "kind: Policy\n"
                                         "apiVersion: 'vouch/v1'\n"
                                         "baseline:\n"
                                         "  - source\n"
                                         "  - digest\n"
                                         "groups:\n"
                                         "  release-managers:\n"
                                         "    - alice\n"
                                         "    - bob\n"
                                         "sources:\n"
                                         "  - type: file\n"
                                         "    match: /srv/builds/**\n"
                                         "  - type: oci\n"
                                         "    match: registry.example.com/payments/*\n"
                                         "channels:\n"
                                         "  - name: dev\n"
                                         "    from: ~\n"
                                         "    require: [digest]\n"
                                         "    promoters: ['*']\n"
                                         "    environments: []\n"
                                         "  - name: test\n"
                                         "    from: dev\n"
                                         "    require: [source, digest]\n"
                                         "    promoters: [ci]\n"
                                         "    allowNonOci: True\n"
                                         "  - name: staging\n"
                                         "    from: \"test\"\n"
                                         "    require: [digest, source]\n"
                                         "    promoters: [ci, '@release-managers']\n"
                                         "  - name: prod\n"
                                         "    from: staging\n"
                                         "    require: [digest, source]\n"
                                         "    promoters: ['@release-managers']\n"
                                         "    allowNonOci: false\n"
                                         "    environments:\n"
                                         "      - eu-1\n"
                                         "      - us-1\n"
                                         "...\n";

static vouch_policy *parse_ok(const char *text, size_t len)
{
    vouch_policy *p = NULL;
    vouch_error err;
    vouch_error_clear(&err);
    int rc = vouch_policy_parse(&p, text, len, "t", &err);
    if (rc != 0)
        fail_msg("parse failed (%d): %s", rc, err.message);
    assert_non_null(p);
    return p;
}

static vouch_policy *parse_str(const char *text)
{
    return parse_ok(text, strlen(text));
}

static void test_policy__example_yaml(void **state)
{
    (void)state;
    vouch_policy *p = parse_str(example_yaml);
    const vouch_channel_rule *r;

    assert_int_equal(vouch_policy_baseline(p),
                     VOUCH_CHECK_BIT(VOUCH_CHECK_DIGEST) | VOUCH_CHECK_BIT(VOUCH_CHECK_SOURCE));
    assert_int_equal(vouch_policy_allow_non_oci(p), 1);
    assert_int_equal(vouch_policy_channel_count(p), 4);
    static const char *const names[] = {"dev", "test", "staging", "prod"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(vouch_policy_channel_at(p, i)->name, names[i]);
    assert_null(vouch_policy_channel_at(p, 4));

    r = vouch_policy_channel(p, "dev");
    assert_non_null(r);
    assert_null(r->from);
    assert_int_equal(r->require, VOUCH_CHECK_BIT(VOUCH_CHECK_DIGEST));
    assert_int_equal(r->promoters_count, 1);
    assert_string_equal(r->promoters[0], "*");
    assert_int_equal(r->allow_non_oci, 1);
    assert_int_equal(r->environments_count, 0);

    r = vouch_policy_channel(p, "staging");
    assert_string_equal(r->from, "test");
    assert_int_equal(r->promoters_count, 2);
    assert_string_equal(r->promoters[1], "@release-managers");

    r = vouch_policy_channel(p, "prod");
    assert_string_equal(r->from, "staging");
    assert_int_equal(r->allow_non_oci, 0);
    assert_int_equal(r->environments_count, 2);
    assert_string_equal(r->environments[0], "eu-1");
    assert_string_equal(r->environments[1], "us-1");
    assert_null(vouch_policy_channel(p, "Prod"));
    assert_null(vouch_policy_channel(p, NULL));

    const char *d = vouch_policy_digest_str(p);
    assert_int_equal(strlen(d), 71);
    assert_memory_equal(d, "sha256:", 7);
    assert_int_equal(vouch_policy_digest(p)->alg, VOUCH_DIGEST_SHA256);
    assert_int_equal(vouch_policy_digest(p)->len, 32);
    vouch_policy_free(p);
    vouch_policy_free(NULL);
}

static void test_policy__yaml_and_json_same_digest(void **state)
{
    (void)state;
    vouch_policy *y = parse_str(example_yaml);
    vouch_policy *j = parse_str(example_json);
    vouch_policy *b = parse_str(example_block_yaml);
    size_t ylen, jlen;
    const char *yc = vouch_policy_canonical(y, &ylen);
    const char *jc = vouch_policy_canonical(j, &jlen);

    assert_string_equal(vouch_policy_digest_str(y), vouch_policy_digest_str(j));
    assert_string_equal(vouch_policy_digest_str(y), vouch_policy_digest_str(b));
    assert_int_equal(ylen, jlen);
    assert_memory_equal(yc, jc, ylen);
    assert_int_equal(strlen(yc), ylen);

    /* re-parsing the canonical text gives the same policy and digest */
    vouch_policy *again = parse_ok(yc, ylen);
    assert_string_equal(vouch_policy_digest_str(again), vouch_policy_digest_str(y));
    vouch_policy_free(again);

    /* the digest is sha256 over the canonical bytes */
    vouch_digest want;
    assert_int_equal(vouch_hash_bytes(&want, VOUCH_DIGEST_SHA256, yc, ylen, NULL), 0);
    assert_true(vouch_digest_equal(&want, vouch_policy_digest(y)));

    vouch_policy_free(y);
    vouch_policy_free(j);
    vouch_policy_free(b);
}

static void test_policy__meaning_changes_digest(void **state)
{
    (void)state;
    vouch_policy *a = parse_str(example_yaml);
    char *text = strdup(example_yaml);
    char *at = strstr(text, "environments: [eu-1, us-1]");
    memcpy(at, "environments: [eu-2, us-1]", 26);
    vouch_policy *b = parse_str(text);
    assert_string_not_equal(vouch_policy_digest_str(a), vouch_policy_digest_str(b));
    vouch_policy_free(b);
    vouch_policy_free(a);
    free(text);

    /* an explicit value equal to the default is the same policy */
    a = parse_str("{\"apiVersion\":\"vouch/v1\",\"kind\":\"Policy\",\"channels\":[{\"name\":"
                  "\"x\"}]}");
    b = parse_str("apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest]\nallowNonOci: true\n"
                  "groups: {}\nsources: []\nchannels:\n- {name: x, from: null, require: [], "
                  "promoters: [], allowNonOci: true, environments: []}\n");
    assert_string_equal(vouch_policy_digest_str(a), vouch_policy_digest_str(b));
    vouch_policy_free(b);
    b = parse_str("{\"apiVersion\":\"vouch/v1\",\"kind\":\"Policy\",\"baseline\":[],"
                  "\"channels\":[{\"name\":\"x\"}]}");
    assert_string_not_equal(vouch_policy_digest_str(a), vouch_policy_digest_str(b));
    assert_int_equal(vouch_policy_baseline(b), 0);
    vouch_policy_free(a);
    vouch_policy_free(b);
}

static void test_policy__normalized_defaults(void **state)
{
    (void)state;
    vouch_policy *p = parse_str("apiVersion: vouch/v1\nkind: Policy\nallowNonOci: false\n"
                                "channels:\n  - name: only\n");
    size_t len;
    const char *c = vouch_policy_canonical(p, &len);
    assert_string_equal(c, "{\"allowNonOci\":false,\"apiVersion\":\"vouch/v1\",\"baseline\":"
                           "[\"digest\"],\"channels\":[{\"allowNonOci\":false,\"environments\":"
                           "[],\"from\":null,\"name\":\"only\",\"promoters\":[],\"require\":[]}],"
                           "\"groups\":{},\"kind\":\"Policy\",\"sources\":[]}");
    const vouch_channel_rule *r = vouch_policy_channel_at(p, 0);
    assert_int_equal(r->allow_non_oci, 0); /* inherited */
    assert_int_equal(r->require, 0);
    assert_int_equal(r->promoters_count, 0);
    assert_int_equal(vouch_policy_is_promoter(p, r, "anyone"), 0);
    assert_int_equal(vouch_policy_baseline(p), VOUCH_CHECK_BIT(VOUCH_CHECK_DIGEST));

    json_t *j = vouch_policy_to_json(p);
    assert_non_null(j);
    json_t *ch = json_object_get(json_array_get(json_object_get(j, "channels"), 0), "from");
    assert_true(json_is_null(ch));
    json_decref(j);
    vouch_policy_free(p);
}

static void test_policy__default_policy(void **state)
{
    (void)state;
    vouch_policy *p = NULL;
    vouch_error err;
    vouch_error_clear(&err);
    assert_int_equal(vouch_policy_default(&p, &err), 0);
    static const char *const names[] = {"dev", "test", "staging", "prod"};
    assert_int_equal(vouch_policy_channel_count(p), 4);
    for (size_t i = 0; i < 4; i++) {
        const vouch_channel_rule *r = vouch_policy_channel_at(p, i);
        assert_string_equal(r->name, names[i]);
        if (i == 0)
            assert_null(r->from);
        else
            assert_string_equal(r->from, names[i - 1]);
        assert_int_equal(r->promoters_count, 1);
        assert_string_equal(r->promoters[0], "*");
        assert_int_equal(r->allow_non_oci, 1);
        assert_int_equal(r->environments_count, 0);
        assert_int_equal(r->require, VOUCH_CHECK_BIT(VOUCH_CHECK_DIGEST));
        assert_int_equal(vouch_policy_is_promoter(p, r, "whoever"), 1);
    }
    assert_int_equal(vouch_policy_baseline(p), VOUCH_CHECK_BIT(VOUCH_CHECK_DIGEST));
    assert_int_equal(vouch_policy_allow_non_oci(p), 1);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/x", NULL), 0);

    /* the same document written by hand in YAML has the same identity */
    vouch_policy *y = parse_str("apiVersion: vouch/v1\nkind: Policy\nchannels:\n"
                                "- {name: dev, require: [digest], promoters: ['*']}\n"
                                "- {name: test, from: dev, require: [digest], promoters: ['*']}\n"
                                "- {name: staging, from: test, require: [digest],"
                                " promoters: ['*']}\n"
                                "- {name: prod, from: staging, require: [digest],"
                                " promoters: ['*']}\n");
    assert_string_equal(vouch_policy_digest_str(p), vouch_policy_digest_str(y));
    vouch_policy_free(y);

    vouch_policy *q = NULL;
    assert_int_equal(vouch_policy_default(&q, NULL), 0);
    assert_string_equal(vouch_policy_digest_str(p), vouch_policy_digest_str(q));
    vouch_policy_free(q);
    vouch_policy_free(p);
}

/* ---- refused documents ------------------------------------------------------------- */

#define HEAD  "apiVersion: vouch/v1\nkind: Policy\n"
#define JHEAD "{\"apiVersion\":\"vouch/v1\",\"kind\":\"Policy\","

typedef struct bad_case {
    const char *doc;
    int code;
    const char *fragment;
} bad_case;

static const bad_case bad_cases[] = {
    /* syntax */
    {HEAD "channels: [ {name: dev}\n", VOUCH_EINVAL, "policy 't': line "},
    {HEAD "channels:\n  - name: dev\n bad: indent\n", VOUCH_EINVAL, "line 5, column"},
    {"{\"apiVersion\":\"vouch/v1\",}", VOUCH_EINVAL, "line 1"},
    {JHEAD "\"channels\":[{\"name\":\"a\"}]} trailing", VOUCH_EINVAL, "policy 't'"},
    {"", VOUCH_EINVAL, "the document is empty"},
    {"# only a comment\n", VOUCH_EINVAL, "the document is empty"},
    {"---\n", VOUCH_EINVAL, "a policy must be a mapping, not null"},
    {"- a\n- b\n", VOUCH_EINVAL, "a policy must be a mapping, not a list"},
    {"just a string\n", VOUCH_EINVAL, "a policy must be a mapping, not a string"},
    /* YAML features a policy refuses */
    {HEAD "groups:\n  g: &people [alice]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "anchors are not allowed ('&people')"},
    {HEAD "channels: [{name: a, promoters: *people}]\n", VOUCH_EINVAL, "aliases are not allowed"},
    {HEAD "x: &a b\n", VOUCH_EINVAL, "line 3, column 4: anchors are not allowed"},
    {HEAD "channels: [{name: a}]\n---\n" HEAD "channels: [{name: b}]\n", VOUCH_EINVAL,
     "multiple documents are not allowed"},
    {HEAD "channels: !custom [{name: a}]\n", VOUCH_EINVAL, "tag '!custom' is not allowed"},
    {HEAD "channels: [{name: !!int a}]\n", VOUCH_EINVAL, "'a' is not a valid !!int"},
    {"%TAG !e! tag:example.com,2000:\n---\n" HEAD "channels: [{name: a}]\n", VOUCH_EINVAL,
     "%TAG directives are not allowed"},
    {HEAD "channels: [{name: a}]\nkind: Policy\n", VOUCH_EINVAL, "duplicate key 'kind'"},
    {HEAD "channels: [{name: a, name: b}]\n", VOUCH_EINVAL, "line 3, column 22: duplicate key"},
    {JHEAD "\"kind\":\"Policy\",\"channels\":[{\"name\":\"a\"}]}", VOUCH_EINVAL, "kind"},
    {HEAD "? [a, b]\n: c\nchannels: [{name: a}]\n", VOUCH_EINVAL, "mapping keys must be scalars"},
    /* header */
    {"apiVersion: vouch/v2\nkind: Policy\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "apiVersion must be 'vouch/v1', not 'vouch/v2'"},
    {"kind: Policy\nchannels: [{name: a}]\n", VOUCH_EINVAL, "missing field 'apiVersion'"},
    {"apiVersion: vouch/v1\nkind: Polcy\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "kind must be 'Policy', not 'Polcy'"},
    {"apiVersion: vouch/v1\nchannels: [{name: a}]\n", VOUCH_EINVAL, "missing field 'kind'"},
    {HEAD "channels: [{name: a}]\nextra: 1\n", VOUCH_EINVAL,
     "policy 't': unknown field 'extra' (known: apiVersion, kind, baseline, allowNonOci, "
     "groups, sources, channels)"},
    {HEAD "baseline: [digest, sbomm]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "policy 't': unknown check 'sbomm' in baseline (known: digest,"},
    {HEAD "baseline: digest\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "'baseline' must be a list of check names, not a string"},
    {HEAD "baseline: [digest, digest]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "duplicate check 'digest' in baseline"},
    {HEAD "allowNonOci: yes\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "'allowNonOci' must be true or false, not a string"},
    {HEAD "allowNonOci: \"true\"\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "'allowNonOci' must be true or false"},
    /* channels */
    {HEAD, VOUCH_EINVAL, "missing field 'channels'"},
    {HEAD "channels: []\n", VOUCH_EINVAL, "'channels' must list at least one channel"},
    {HEAD "channels: {dev: {}}\n", VOUCH_EINVAL, "'channels' must be a list, not a mapping"},
    {HEAD "channels: [dev]\n", VOUCH_EINVAL, "channels[0]: must be a mapping, not a string"},
    {HEAD "channels: [{from: a}]\n", VOUCH_EINVAL, "channels[0]: missing field 'name'"},
    {HEAD "channels: [{name: 123}]\n", VOUCH_EINVAL, "'name' must be a string, not a number"},
    {HEAD "channels: [{name: 'bad name'}]\n", VOUCH_EINVAL,
     "channels[0]: invalid channel name 'bad name'"},
    {HEAD "channels: [{name: a}, {name: b}, {name: a}]\n", VOUCH_EINVAL,
     "channels[2]: duplicate channel name 'a' (also channels[0])"},
    {HEAD "channels: [{name: dev, requires: [digest]}]\n", VOUCH_EINVAL,
     "channels[0] ('dev'): unknown field 'requires' (known: name, from, require, promoters, "
     "allowNonOci, environments)"},
    {HEAD "channels: [{name: a}, {name: b, require: [digest, sbomm]}]\n", VOUCH_EINVAL,
     "policy 't': channels[1] ('b'): unknown check 'sbomm' in require (known: digest, source, "
     "signature, provenance, sbom, scan, log)"},
    {HEAD "channels: [{name: a, require: [scan, scan]}]\n", VOUCH_EINVAL,
     "channels[0] ('a'): duplicate check 'scan' in require"},
    {HEAD "channels: [{name: a, require: [1]}]\n", VOUCH_EINVAL,
     "'require'[0] must be a check name, not a number"},
    {HEAD "channels: [{name: a}, {name: b, from: qa}]\n", VOUCH_EINVAL,
     "channels[1] ('b'): from 'qa' is not a channel of this policy"},
    {HEAD "channels: [{name: a, from: a}]\n", VOUCH_EINVAL,
     "channels[0] ('a'): from names the channel itself"},
    {HEAD "channels: [{name: a, from: b}, {name: b, from: a}]\n", VOUCH_EINVAL,
     "policy 't': from cycle: a -> b -> a"},
    {HEAD "channels: [{name: x}, {name: a, from: c}, {name: b, from: a}, {name: c, from: b}]\n",
     VOUCH_EINVAL, "from cycle: a -> c -> b -> a"},
    {HEAD "channels: [{name: z, from: a}, {name: a, from: b}, {name: b, from: a}]\n", VOUCH_EINVAL,
     "from cycle: a -> b -> a"},
    {HEAD "channels: [{name: a, from: ''}]\n", VOUCH_EINVAL, "'from' must not be empty"},
    {HEAD "channels: [{name: a, from: [b]}]\n", VOUCH_EINVAL,
     "'from' must be a channel name or null, not a list"},
    {HEAD "channels: [{name: a, promoters: '*'}]\n", VOUCH_EINVAL,
     "'promoters' must be a list of strings, not a string"},
    {HEAD "channels: [{name: a, promoters: ['@ops']}]\n", VOUCH_EINVAL,
     "channels[0] ('a'): promoter '@ops' names an undefined group"},
    {HEAD "channels: [{name: a, promoters: [ci, ci]}]\n", VOUCH_EINVAL,
     "duplicate entry 'ci' in 'promoters'"},
    {HEAD "channels: [{name: a, promoters: ['bad actor']}]\n", VOUCH_EINVAL,
     "channels[0] ('a'): promoters[0]: invalid actor name 'bad actor'"},
    {HEAD "channels: [{name: a, promoters: [true]}]\n", VOUCH_EINVAL,
     "'promoters'[0] must be a string, not a boolean"},
    {HEAD "channels: [{name: a, allowNonOci: 0}]\n", VOUCH_EINVAL,
     "'allowNonOci' must be true or false, not a number"},
    {HEAD "channels: [{name: prod, environments: [eu-1, 'eu 2']}]\n", VOUCH_EINVAL,
     "channels[0] ('prod'): environments[1]: invalid environment name 'eu 2'"},
    {HEAD "channels: [{name: prod, environments: [eu-1, eu-1]}]\n", VOUCH_EINVAL,
     "duplicate entry 'eu-1' in 'environments'"},
    {HEAD "channels: [{name: prod, environments: eu-1}]\n", VOUCH_EINVAL,
     "'environments' must be a list of strings, not a string"},
    /* groups */
    {HEAD "groups: [a]\nchannels: [{name: a}]\n", VOUCH_EINVAL, "'groups' must be a mapping"},
    {HEAD "groups: {'bad group': [a]}\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "groups: invalid group name 'bad group'"},
    {HEAD "groups: {g: alice}\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "groups ('g'): 'members' must be a list of strings, not a string"},
    {HEAD "groups: {g: [alice, alice]}\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "groups ('g'): duplicate entry 'alice'"},
    {HEAD "groups: {g: ['@h']}\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "groups ('g')[0]: invalid actor name '@h'"},
    /* sources */
    {HEAD "sources: {type: file}\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "'sources' must be a list, not a mapping"},
    {HEAD "sources: [{type: ftp, match: x}]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "sources[0]: unknown source type 'ftp' (known: oci, s3, http, file, git, upload)"},
    {HEAD "sources: [{type: file}]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "sources[0]: missing field 'match'"},
    {HEAD "sources: [{type: file, match: ''}]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "sources[0]: 'match' must not be empty"},
    {HEAD "sources: [{type: file, match: x, glob: y}]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "sources[0]: unknown field 'glob' (known: type, match)"},
    {HEAD "sources: [{type: file, match: /a/*}, {type: file, match: /a/*}]\n"
          "channels: [{name: a}]\n",
     VOUCH_EINVAL, "sources[1]: duplicate of sources[0]"},
    {HEAD "sources: [file]\nchannels: [{name: a}]\n", VOUCH_EINVAL,
     "sources[0]: must be a mapping with 'type' and 'match', not a string"},
};

static void check_bad(const char *doc, size_t len, int code, const char *fragment, size_t i)
{
    vouch_policy *p = (vouch_policy *)0x1;
    vouch_error err;
    vouch_error_clear(&err);
    int rc = vouch_policy_parse(&p, doc, len, "t", &err);
    if (rc != code)
        fail_msg("case %zu: rc %d, want %d (%s)", i, rc, code, err.message);
    if (p != NULL)
        fail_msg("case %zu: out not NULL on failure", i);
    if (err.code != code)
        fail_msg("case %zu: err.code %d", i, err.code);
    if (!strstr(err.message, fragment))
        fail_msg("case %zu: message \"%s\" lacks \"%s\"", i, err.message, fragment);
}

static void test_policy__bad_policies(void **state)
{
    (void)state;
    size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]);
    assert_true(n >= 25);
    for (size_t i = 0; i < n; i++)
        check_bad(bad_cases[i].doc, strlen(bad_cases[i].doc), bad_cases[i].code,
                  bad_cases[i].fragment, i);
}

static void test_policy__bad_sizes_and_bytes(void **state)
{
    (void)state;
    /* one byte over the limit, whatever its content */
    size_t big = VOUCH_POLICY_MAX_BYTES + 1;
    char *doc = malloc(big);
    memset(doc, ' ', big);
    memcpy(doc, HEAD, strlen(HEAD));
    check_bad(doc, big, VOUCH_ETOOBIG, "policy 't': document is 1048577 bytes", 1000);

    /* 65 channels */
    vouch_buf b;
    vouch_buf_init(&b, 0);
    vouch_buf_puts(&b, HEAD "channels:\n");
    for (int i = 0; i < 65; i++)
        vouch_buf_printf(&b, "- {name: c%d}\n", i);
    check_bad(b.ptr, b.len, VOUCH_EINVAL, "'channels' has 65 entries (at most 64", 1001);
    vouch_buf_truncate(&b, b.len - strlen("- {name: c64}\n"));
    vouch_policy *p = parse_ok(b.ptr, b.len);
    assert_int_equal(vouch_policy_channel_count(p), 64);
    vouch_policy_free(p);
    vouch_buf_release(&b);

    /* a group at its limit parses; one more member is refused */
    vouch_buf_init(&b, 0);
    vouch_buf_puts(&b, HEAD "channels: [{name: a, promoters: ['@big']}]\ngroups:\n  big: [m0");
    for (int i = 1; i < 1024; i++)
        vouch_buf_printf(&b, ", m%d", i);
    vouch_buf_puts(&b, "]\n");
    p = parse_ok(b.ptr, b.len);
    assert_int_equal(vouch_policy_is_promoter(p, vouch_policy_channel_at(p, 0), "m1023"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, vouch_policy_channel_at(p, 0), "m1024"), 0);
    vouch_policy_free(p);
    vouch_buf_truncate(&b, b.len - 2);
    vouch_buf_puts(&b, ", m1024]\n");
    check_bad(b.ptr, b.len, VOUCH_EINVAL, "groups ('big'): 'members' has 1025 entries", 1008);
    vouch_buf_truncate(&b, b.len - strlen(", m1023, m1024]\n"));
    vouch_buf_puts(&b, ", m7]\n");
    check_bad(b.ptr, b.len, VOUCH_EINVAL, "duplicate entry 'm7' in 'members'", 1009);
    vouch_buf_release(&b);

    /* a match pattern over 1024 bytes */
    vouch_buf_init(&b, 0);
    vouch_buf_puts(&b, HEAD "channels: [{name: a}]\nsources: [{type: file, match: '");
    for (int i = 0; i < 1025; i++)
        vouch_buf_putc(&b, 'x');
    vouch_buf_puts(&b, "'}]\n");
    check_bad(b.ptr, b.len, VOUCH_EINVAL, "'match' is longer than 1024 bytes", 1002);
    vouch_buf_release(&b);

    /* nesting deeper than the JSON limit, in YAML */
    vouch_buf_init(&b, 0);
    vouch_buf_puts(&b, HEAD "channels: [{name: a}]\nx: ");
    for (int i = 0; i < 70; i++)
        vouch_buf_putc(&b, '[');
    check_bad(b.ptr, b.len, VOUCH_EINVAL, "nesting deeper than 64 levels", 1003);
    vouch_buf_release(&b);

    /* NUL bytes: raw in the text, and written as an escape */
    static const char raw_nul[] = HEAD "channels: [{name: a\0b}]\n";
    check_bad(raw_nul, sizeof(raw_nul) - 1, VOUCH_EINVAL, "policy 't'", 1004);
    static const char esc_nul[] = HEAD "channels: [{name: \"a\\0b\"}]\n";
    check_bad(esc_nul, sizeof(esc_nul) - 1, VOUCH_EINVAL, "NUL bytes are not allowed", 1005);
    /* invalid UTF-8 */
    static const char bad_utf8[] = HEAD "channels: [{name: \"\xff\"}]\n";
    check_bad(bad_utf8, sizeof(bad_utf8) - 1, VOUCH_EINVAL, "policy 't'", 1006);
    /* NULL data with a length, NULL out */
    check_bad(NULL, 3, VOUCH_EINVAL, "no data", 1007);
    assert_int_equal(vouch_policy_parse(NULL, "x", 1, NULL, NULL), VOUCH_EINVAL);
    /* the subject name is quoted safely */
    vouch_error err;
    vouch_error_clear(&err);
    vouch_policy *q = NULL;
    assert_int_equal(vouch_policy_parse(&q, "kind: x\n", 8, "a\nb", &err), VOUCH_EINVAL);
    assert_non_null(strstr(err.message, "policy 'a?b': "));
    vouch_error_clear(&err);
    assert_int_equal(vouch_policy_parse(&q, "kind: x\n", 8, NULL, &err), VOUCH_EINVAL);
    assert_memory_equal(err.message, "policy: ", 8);
    free(doc);
}

static void test_policy__yaml_scalars(void **state)
{
    (void)state;
    /* core-schema booleans and nulls, quoted strings, explicit core tags */
    vouch_policy *p = parse_str(HEAD "allowNonOci: FALSE\n"
                                     "channels:\n"
                                     "- {name: !!str 123, allowNonOci: !!bool True}\n"
                                     "- {name: '456', from: \"123\"}\n"
                                     "- name: n1\n  from:\n"
                                     "- name: n2\n  from: ~\n"
                                     "- name: n3\n  from: null\n  environments: !!seq [e]\n"
                                     "- !!map {name: n4, from: !!null ''}\n");
    assert_int_equal(vouch_policy_allow_non_oci(p), 0);
    assert_string_equal(vouch_policy_channel_at(p, 0)->name, "123");
    assert_int_equal(vouch_policy_channel_at(p, 0)->allow_non_oci, 1);
    assert_string_equal(vouch_policy_channel_at(p, 1)->from, "123");
    assert_int_equal(vouch_policy_channel_at(p, 1)->allow_non_oci, 0);
    for (size_t i = 2; i < 6; i++)
        assert_null(vouch_policy_channel_at(p, i)->from);
    vouch_policy_free(p);

    /* numbers in the YAML 1.2 core schema are numbers, not names */
    static const char *const numbers[] = {
        "0x1f", "0o17", "-12", "+3", "1.5", ".5", "1e3", "-.inf", ".NaN", "99999999999999999999999",
        NULL};
    for (size_t i = 0; numbers[i]; i++) {
        char doc[200];
        snprintf(doc, sizeof(doc), HEAD "channels: [{name: a, environments: [%s]}]\n", numbers[i]);
        check_bad(doc, strlen(doc), VOUCH_EINVAL, "must be a string, not a number", 2000 + i);
    }
    /* ... while near-numbers stay strings */
    p = parse_str(HEAD "channels: [{name: a, environments: [1.2.3, 0x, 1e, v1, 0o8, yes, No]}]\n");
    assert_int_equal(vouch_policy_channel_at(p, 0)->environments_count, 7);
    vouch_policy_free(p);
}

/* ---- questions a policy answers ------------------------------------------------------ */

static void test_policy__is_promoter(void **state)
{
    (void)state;
    vouch_policy *p = parse_str(example_yaml);
    const vouch_channel_rule *dev = vouch_policy_channel(p, "dev");
    const vouch_channel_rule *test = vouch_policy_channel(p, "test");
    const vouch_channel_rule *staging = vouch_policy_channel(p, "staging");
    const vouch_channel_rule *prod = vouch_policy_channel(p, "prod");

    assert_int_equal(vouch_policy_is_promoter(p, dev, "anyone"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, dev, "ci"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, test, "ci"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, test, "alice"), 0);
    assert_int_equal(vouch_policy_is_promoter(p, test, "CI"), 0);
    assert_int_equal(vouch_policy_is_promoter(p, staging, "ci"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, staging, "alice"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, staging, "bob"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, staging, "carol"), 0);
    assert_int_equal(vouch_policy_is_promoter(p, prod, "alice"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, prod, "ci"), 0);
    /* the group's name is not a member, nor is the reference itself */
    assert_int_equal(vouch_policy_is_promoter(p, prod, "release-managers"), 0);
    assert_int_equal(vouch_policy_is_promoter(p, prod, "@release-managers"), 0);
    assert_int_equal(vouch_policy_is_promoter(p, prod, ""), 0);
    assert_int_equal(vouch_policy_is_promoter(p, prod, NULL), 0);
    assert_int_equal(vouch_policy_is_promoter(p, NULL, "alice"), 0);
    vouch_policy_free(p);

    /* a literal '*' actor gets nothing beyond what '*' grants; empty groups grant nothing */
    p = parse_str(HEAD "groups: {nobody: []}\n"
                       "channels: [{name: a, promoters: ['@nobody', dave]}]\n");
    const vouch_channel_rule *a = vouch_policy_channel_at(p, 0);
    assert_int_equal(vouch_policy_is_promoter(p, a, "dave"), 1);
    assert_int_equal(vouch_policy_is_promoter(p, a, "*"), 0);
    assert_int_equal(vouch_policy_is_promoter(p, a, "nobody"), 0);
    vouch_policy_free(p);
}

static void test_policy__source_allowed(void **state)
{
    (void)state;
    vouch_policy *p = parse_str(example_yaml);
    const char *m = "junk";

    assert_int_equal(
        vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/srv/builds/app/1.0/app.tgz", &m), 1);
    assert_string_equal(m, "/srv/builds/**");
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/srv/builds/", &m), 1);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/srv/builds", &m), 0);
    assert_null(m);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/srv/buildsX/a", &m), 0);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/srv/builds/../etc", &m),
                     1); /* the glob is textual: callers normalize paths first */
    assert_int_equal(
        vouch_policy_source_allowed(p, VOUCH_SOURCE_OCI, "registry.example.com/payments/api", &m),
        1);
    assert_string_equal(m, "registry.example.com/payments/*");
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_OCI,
                                                 "registry.example.com/payments/api/v2", &m),
                     0);
    assert_int_equal(
        vouch_policy_source_allowed(p, VOUCH_SOURCE_OCI, "registry.example.com/payments2/api", &m),
        0);
    /* the type must match too */
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_HTTP, "/srv/builds/x", &m), 0);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_OCI, "/srv/builds/x", &m), 0);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, "/srv/builds/x", NULL), 1);
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_FILE, NULL, &m), 0);
    vouch_policy_free(p);

    /* first matching entry wins */
    p = parse_str(HEAD "channels: [{name: a}]\nsources:\n"
                       "- {type: http, match: 'https://a.example/*'}\n"
                       "- {type: http, match: 'https://a.example/**'}\n");
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_HTTP, "https://a.example/x", &m),
                     1);
    assert_string_equal(m, "https://a.example/*");
    assert_int_equal(vouch_policy_source_allowed(p, VOUCH_SOURCE_HTTP, "https://a.example/x/y", &m),
                     1);
    assert_string_equal(m, "https://a.example/**");
    vouch_policy_free(p);
}

/* ---- glob ------------------------------------------------------------------------------- */

typedef struct glob_case {
    const char *pattern, *text;
    int want;
} glob_case;

static const glob_case glob_cases[] = {
    {"", "", 1},
    {"", "a", 0},
    {"a", "", 0},
    {"abc", "abc", 1},
    {"abc", "abd", 0},
    {"A", "a", 0},
    {"*", "", 1},
    {"*", "abc", 1},
    {"*", "a/b", 0},
    {"*", "/", 0},
    {"**", "", 1},
    {"**", "a/b/c", 1},
    {"***", "a/b", 1},
    {"*/*", "a/b", 1},
    {"*/*", "/", 1},
    {"*/*", "a/b/c", 0},
    {"a*b", "ab", 1},
    {"a*b", "axxb", 1},
    {"a*b", "a/b", 0},
    {"a**b", "a/b", 1},
    {"a**b", "a/x/y/b", 1},
    {"a/**/b", "a/b", 0},
    {"a/**/b", "a//b", 1},
    {"a/**/b", "a/x/y/b", 1},
    {"a/**", "a/", 1},
    {"a/**", "a", 0},
    {"/srv/builds/**", "/srv/builds/x/y.tar", 1},
    {"/srv/builds/**", "/srv/builds", 0},
    {"*.tar.gz", "x.tar.gz", 1},
    {"*.tar.gz", "dir/x.tar.gz", 0},
    {"**.tar.gz", "dir/x.tar.gz", 1},
    {"**/*.tar.gz", "a/b/x.tar.gz", 1},
    {"**/*.tar.gz", "x.tar.gz", 0},
    {"*a*b", "aab", 1},
    {"*a*b", "aa/b", 0},
    {"*a**b", "xa/y/b", 1},
    {"x*", "x", 1},
    {"x*y*z", "xyz", 1},
    {"x*y*z", "xzyz", 1},
    {"x*y*z", "xzy", 0},
    {"?", "a", 0}, /* no '?' wildcard */
    {"?", "?", 1},
    {"[ab]", "a", 0}, /* no classes */
    {"[ab]", "[ab]", 1},
    {"\\*", "\\x", 1}, /* no escapes: the backslash is literal */
    {"registry.example.com/payments/*", "registry.example.com/payments/", 1},
    {"registry.example.com/payments/*", "registry.example.com/payments/api@sha256:ab", 1},
    {"s3://bucket/**/*.bin", "s3://bucket/a/b.bin", 1},
    {"s3://bucket/**/*.bin", "s3://bucket/a/b/c.bin", 1},
    {"s3://bucket/**/*.bin", "s3://bucket/a/b/c.bin2", 0},
    {"é*", "éà", 1},
};

static void test_policy__glob_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(glob_cases) / sizeof(glob_cases[0]); i++) {
        const glob_case *c = &glob_cases[i];
        if (vouch_glob_match(c->pattern, c->text) != c->want)
            fail_msg("glob '%s' on '%s': want %d", c->pattern, c->text, c->want);
    }
    assert_int_equal(vouch_glob_match(NULL, "a"), 0);
    assert_int_equal(vouch_glob_match("a", NULL), 0);
}

/* Obvious recursive matcher, exponential in the worst case, for small inputs only. */
static int ref_match(const char *p, const char *t)
{
    if (*p == '\0')
        return *t == '\0';
    if (p[0] == '*' && p[1] == '*') {
        while (*p == '*')
            p++;
        for (const char *s = t;; s++) {
            if (ref_match(p, s))
                return 1;
            if (*s == '\0')
                return 0;
        }
    }
    if (p[0] == '*') {
        for (const char *s = t;; s++) {
            if (ref_match(p + 1, s))
                return 1;
            if (*s == '\0' || *s == '/')
                return 0;
        }
    }
    return *t != '\0' && *p == *t && ref_match(p + 1, t + 1);
}

static void test_policy__glob_matches_reference(void **state)
{
    (void)state;
    static const char alphabet[] = "ab/*";
    unsigned seed = 12345;
    for (int iter = 0; iter < 20000; iter++) {
        char p[10], t[10];
        seed = seed * 1103515245u + 12345u;
        size_t pl = (seed >> 16) % 9, tl = (seed >> 8) % 9;
        for (size_t i = 0; i < pl; i++) {
            seed = seed * 1103515245u + 12345u;
            p[i] = alphabet[(seed >> 16) % 4];
        }
        for (size_t i = 0; i < tl; i++) {
            seed = seed * 1103515245u + 12345u;
            t[i] = alphabet[(seed >> 16) % 3];
        }
        p[pl] = t[tl] = '\0';
        if (vouch_glob_match(p, t) != ref_match(p, t))
            fail_msg("glob '%s' on '%s': want %d", p, t, ref_match(p, t));
    }
}

static void test_policy__glob_bounded_work(void **state)
{
    (void)state;
    char *text = malloc(100001), *pattern = malloc(4001);
    memset(text, 'a', 100000);
    text[100000] = '\0';
    clock_t start = clock();
    assert_int_equal(vouch_glob_match("*a*a*a*a*a*a*a*a*a*a*b", text), 0);
    assert_int_equal(vouch_glob_match("**a**a**a**a**a**a**a**a**b", text), 0);
    assert_int_equal(vouch_glob_match("*a*a*a*a*a*a*a*a*a*a", text), 1);
    /* a pattern long enough to need the heap path */
    for (int i = 0; i < 4000; i += 2)
        memcpy(pattern + i, "a*", 2);
    pattern[4000] = '\0';
    text[5000] = '\0';
    assert_int_equal(vouch_glob_match(pattern, text), 1); /* 2000 a's needed, 5000 given */
    text[1999] = '\0';
    assert_int_equal(vouch_glob_match(pattern, text), 0);
    text[1999] = 'a';
    text[2000] = '\0';
    assert_int_equal(vouch_glob_match(pattern, text), 1);
    double secs = (double)(clock() - start) / CLOCKS_PER_SEC;
    assert_true(secs < 20.0); /* generous for sanitizer builds; exponential would never end */
    free(text);
    free(pattern);
}

/* ---- robustness ------------------------------------------------------------------------- */

/*
 * Fail the Nth allocation, N = 1, 2, ... until parsing succeeds: every
 * failure must be clean (no crash, no leak under LeakSanitizer, out NULL).
 * `strict`: the failure must also be reported as VOUCH_ENOMEM. jansson's
 * lexer reports some allocation failures as syntax errors, so JSON input
 * is not strict.
 */
static void alloc_failure_loop(const char *doc, int strict)
{
    long n;
    for (n = 1; n < 100000; n++) {
        vouch_policy *p = (vouch_policy *)0x1;
        vouch_error err;
        vouch_error_clear(&err);
        tu_fail_alloc_after(n);
        int rc = vouch_policy_parse(&p, doc, strlen(doc), "p.yaml", &err);
        vouch_alloc_set_hooks(NULL);
        if (rc == 0) {
            assert_non_null(p);
            vouch_policy_free(p);
            break;
        }
        if (strict && (rc != VOUCH_ENOMEM || !strstr(err.message, "out of memory")))
            fail_msg("allocation %ld failed: rc %d (%s)", n, rc, err.message);
        assert_true(rc < 0);
        assert_null(p);
    }
    assert_true(n > 10); /* the loop really injected failures */
    assert_true(n < 100000);
}

static void test_policy__alloc_failure_loop(void **state)
{
    (void)state;
    alloc_failure_loop(example_yaml, 1);
    alloc_failure_loop(example_block_yaml, 1);
    alloc_failure_loop(example_json, 0);
    vouch_policy *p = NULL;
    for (long n = 1;; n++) {
        tu_fail_alloc_after(n);
        int rc = vouch_policy_default(&p, NULL);
        vouch_alloc_set_hooks(NULL);
        if (rc == 0)
            break;
        assert_true(rc < 0); /* JSON inside: not strict, see above */
        assert_null(p);
    }
    vouch_policy_free(p);
}

/* Keys of `obj`, or via "$ref": "#/$defs/<name>" of the schema, must equal `want`'s keys. */
static void assert_same_keys(const json_t *schema, const json_t *node, const json_t *want,
                             const char *what)
{
    const char *ref = json_string_value(json_object_get(node, "$ref"));
    if (ref) {
        assert_memory_equal(ref, "#/$defs/", 8);
        node = json_object_get(json_object_get(schema, "$defs"), ref + 8);
        assert_non_null(node);
    }
    const json_t *props = json_object_get(node, "properties");
    if (!props)
        fail_msg("schema of %s has no properties", what);
    if (!json_is_false(json_object_get(node, "additionalProperties")))
        fail_msg("schema of %s allows additional properties", what);
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)want, key, v)
    {
        if (!json_object_get(props, key))
            fail_msg("schema of %s lacks '%s'", what, key);
    }
    if (json_object_size(props) != json_object_size(want))
        fail_msg("schema of %s lists fields the parser refuses", what);
}

static void test_policy__schema_matches_parser(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_file(VOUCH_SOURCE_DIR "/schema/policy.schema.json", &len);
    json_t *schema = NULL;
    vouch_error err;
    vouch_error_clear(&err);
    assert_non_null(text);
    if (vouch_json_parse(&schema, text, len, "policy.schema.json", &err) != 0)
        fail_msg("%s", err.message);
    free(text);
    assert_string_equal(json_string_value(json_object_get(schema, "$schema")),
                        "https://json-schema.org/draft/2020-12/schema");

    /* every field the parser accepts shows in its normalized form */
    vouch_policy *p = parse_str(example_yaml);
    json_t *norm = vouch_policy_to_json(p);
    const json_t *props = json_object_get(schema, "properties");
    assert_same_keys(schema, schema, norm, "the policy");
    const json_t *channels = json_object_get(props, "channels");
    assert_int_equal(json_integer_value(json_object_get(channels, "minItems")), 1);
    assert_int_equal(json_integer_value(json_object_get(channels, "maxItems")), 64);
    assert_same_keys(schema, json_object_get(channels, "items"),
                     json_array_get(json_object_get(norm, "channels"), 0), "a channel");
    assert_same_keys(schema, json_object_get(json_object_get(props, "sources"), "items"),
                     json_array_get(json_object_get(norm, "sources"), 0), "a source");
    /* the required fields are the ones the parser requires */
    const json_t *req = json_object_get(schema, "required");
    assert_int_equal(json_array_size(req), 3);
    json_decref(norm);
    vouch_policy_free(p);
    json_decref(schema);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy__example_yaml),
        cmocka_unit_test(test_policy__yaml_and_json_same_digest),
        cmocka_unit_test(test_policy__meaning_changes_digest),
        cmocka_unit_test(test_policy__normalized_defaults),
        cmocka_unit_test(test_policy__default_policy),
        cmocka_unit_test(test_policy__bad_policies),
        cmocka_unit_test(test_policy__bad_sizes_and_bytes),
        cmocka_unit_test(test_policy__yaml_scalars),
        cmocka_unit_test(test_policy__is_promoter),
        cmocka_unit_test(test_policy__source_allowed),
        cmocka_unit_test(test_policy__glob_cases),
        cmocka_unit_test(test_policy__glob_matches_reference),
        cmocka_unit_test(test_policy__glob_bounded_work),
        cmocka_unit_test(test_policy__alloc_failure_loop),
        cmocka_unit_test(test_policy__schema_matches_parser),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
