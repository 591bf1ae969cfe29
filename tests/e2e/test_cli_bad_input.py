"""Bad input through the real `vouch` binary: a table of rows, each giving the
argv (+ the files / stdin it needs), the documented exit code and a regex the
standard error must match. Every row must leave the database logically
unchanged (iterdump before == after), in text mode and again with -o json
(where the error body must also be printed on stdout with a code that fits
the exit code, and a refused promotion names its rule in details.rule).

Placeholders <NAME> in argv, file contents and stdin are substituted from the
fixture (see Fixture.ctx).
"""

import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

H64 = "4f3c1e0b8d2a7c6f5e9d4b3a2c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
REG = ["artifact", "register", "--project", "p", "--name", "n", "--kind", "binary",
       "--source-type", "oci", "--source-uri", "registry.example.com/payments/n"]

POLICY_HEAD = "apiVersion: vouch/v1\nkind: Policy\n"
GOOD_CHANNELS = ("channels:\n"
                 "  - {name: dev, require: [digest], promoters: ['*']}\n"
                 "  - {name: test, from: dev, require: [digest], promoters: ['*']}\n")

# The fixture's policy: every channel requires only `source`, so an OCI
# artifact (digest check not_run) can travel up to staging.
FIXTURE_POLICY = """apiVersion: vouch/v1
kind: Policy
baseline: [digest, source]
allowNonOci: true
groups:
  release-managers: [alice, bob]
sources:
  - {type: file, match: "<W>/builds/**"}
  - {type: oci,  match: "registry.example.com/payments/*"}
channels:
  - {name: dev,     require: [source], promoters: ["*"]}
  - {name: test,    from: dev,     require: [source], promoters: [ci, alice]}
  - {name: staging, from: test,    require: [source], promoters: [ci, "@release-managers"]}
  - {name: prod,    from: staging, require: [source], promoters: ["@release-managers"], allowNonOci: false, environments: [eu-1, us-1]}
"""

# Each row: (name, argv, exit code, stderr regex, options)
#   options: files={relative path: content}, stdin=text, actor=NAME (default
#   alice), data="fixture" (default) or "uninit" (a directory never initialized)
ROWS = [
    # ---- digests ------------------------------------------------------
    ("digest_malformed", REG + ["sha256:xyz"], 2, r"(?i)digest", {}),
    ("digest_uppercase", REG + ["sha256:" + H64.upper()], 2, r"(?i)digest", {}),
    ("digest_short", REG + ["sha256:" + H64[:63]], 2, r"(?i)digest", {}),
    ("digest_long", REG + ["sha256:" + H64 + "a"], 2, r"(?i)digest", {}),
    ("digest_unknown_algorithm", REG + ["md5:" + H64[:32]], 2, r"(?i)algorithm|md5", {}),
    ("digest_leading_space", REG + [" sha256:" + H64], 2, r"(?i)digest", {}),
    ("digest_inner_space", REG + ["sha256: " + H64[1:]], 2, r"(?i)digest", {}),
    ("digest_trailing_newline", REG + ["sha256:" + H64 + "\n"], 2, r"(?i)digest", {}),
    ("digest_no_algorithm", REG + [H64], 2, r"(?i)digest", {}),
    ("digest_sha512_wrong_length", REG + ["sha512:" + H64], 2, r"(?i)digest|sha512", {}),
    ("show_uppercase_digest", ["artifact", "show", "--project", "p", "sha256:" + H64.upper()],
     2, r"(?i)digest", {}),
    ("promote_malformed_digest", ["promote", "--project", "p", "sha256:zz", "--to", "dev"],
     2, r"(?i)digest", {}),
    # ---- policies -----------------------------------------------------
    ("policy_bad_yaml", ["policy", "set", "--project", "p", "bad.yaml"], 2,
     r"bad\.yaml.*line 4",
     {"files": {"bad.yaml": POLICY_HEAD + "channels: [\n  - {name: dev\n"}}),
    ("policy_bad_json", ["policy", "set", "--project", "p", "bad.json"], 2,
     r"bad\.json",
     {"files": {"bad.json": '{"apiVersion": "vouch/v1", "kind": "Policy", "channels": [\n'}}),
    ("policy_unknown_field", ["policy", "set", "--project", "p", "uf.yaml"], 2,
     r"uf\.yaml.*colour",
     {"files": {"uf.yaml": POLICY_HEAD + "colour: red\n" + GOOD_CHANNELS}}),
    ("policy_unknown_field_names_file_and_field", ["policy", "verify", "uf2.yaml"], 2,
     # docs/cli.md: the file, then the place (line and column for syntax errors,
     # the element path and field for everything else)
     r"uf2\.yaml.*unknown field 'colour'",
     {"files": {"uf2.yaml": POLICY_HEAD + "colour: red\n" + GOOD_CHANNELS}}),
    ("policy_unknown_channel_field", ["policy", "set", "--project", "p", "ucf.yaml"], 2,
     r"colour",
     {"files": {"ucf.yaml": POLICY_HEAD + "channels:\n  - {name: dev, colour: red}\n"}}),
    ("policy_unknown_check", ["policy", "set", "--project", "p", "uc.yaml"], 2,
     r"magic",
     {"files": {"uc.yaml": POLICY_HEAD +
                "channels:\n  - {name: dev, require: [digest, magic], promoters: ['*']}\n"}}),
    ("policy_unknown_baseline_check", ["policy", "set", "--project", "p", "ub.json"], 2,
     r"magic",
     {"files": {"ub.json": '{"apiVersion":"vouch/v1","kind":"Policy","baseline":["magic"],'
                           '"channels":[{"name":"dev"}]}'}}),
    ("policy_from_cycle", ["policy", "set", "--project", "p", "cyc.yaml"], 2,
     r"(?i)cycle",
     {"files": {"cyc.yaml": POLICY_HEAD + "channels:\n"
                "  - {name: a, from: b}\n  - {name: b, from: a}\n"}}),
    ("policy_self_from", ["policy", "set", "--project", "p", "self.yaml"], 2,
     r"(?i)(itself|cycle|self)",
     {"files": {"self.yaml": POLICY_HEAD + "channels:\n  - {name: dev, from: dev}\n"}}),
    ("policy_unknown_from", ["policy", "set", "--project", "p", "uf3.yaml"], 2,
     r"nowhere",
     {"files": {"uf3.yaml": POLICY_HEAD + "channels:\n  - {name: dev}\n"
                "  - {name: test, from: nowhere}\n"}}),
    ("policy_duplicate_channel", ["policy", "set", "--project", "p", "dup.yaml"], 2,
     r"(?i)duplicate.*dev",
     {"files": {"dup.yaml": POLICY_HEAD + "channels:\n  - {name: dev}\n  - {name: dev}\n"}}),
    ("policy_undefined_group", ["policy", "set", "--project", "p", "grp.yaml"], 2,
     r"nobody",
     {"files": {"grp.yaml": POLICY_HEAD +
                "channels:\n  - {name: dev, promoters: ['@nobody']}\n"}}),
    ("policy_wrong_api_version", ["policy", "set", "--project", "p", "api.yaml"], 2,
     r"apiVersion",
     {"files": {"api.yaml": "apiVersion: vouch/v9\nkind: Policy\n" + GOOD_CHANNELS}}),
    ("policy_oversized", ["policy", "set", "--project", "p", "big.yaml"], 2,
     r"(?i)(1 MiB|too large|1048576)",
     {"files": {"big.yaml": POLICY_HEAD + GOOD_CHANNELS + ("# " + "x" * 98 + "\n") * 10600}}),
    ("policy_oversized_stdin", ["policy", "set", "--project", "p", "-"], 2,
     r"(?i)(1 MiB|too large|1048576)",
     {"stdin": POLICY_HEAD + GOOD_CHANNELS + ("# " + "x" * 98 + "\n") * 10600}),
    ("policy_verify_bad_yaml", ["policy", "verify", "bad2.yaml"], 2, r"bad2\.yaml",
     {"files": {"bad2.yaml": "apiVersion: [\n"}}),
    ("policy_error_names_long_path",
     ["policy", "set", "--project", "p", "<W>/" + "a-rather-long-directory-name/" * 3 + "long.yaml"],
     2, r"a-rather-long-directory-name/long\.yaml'",
     {"files": {"a-rather-long-directory-name/" * 3 + "long.yaml": "apiVersion: [\n"}}),
    ("policy_empty", ["policy", "set", "--project", "p", "empty.yaml"], 2,
     r"empty\.yaml", {"files": {"empty.yaml": ""}}),
    ("policy_multiple_documents", ["policy", "set", "--project", "p", "multi.yaml"], 2,
     r"multi\.yaml.*(?i:document)",
     {"files": {"multi.yaml": POLICY_HEAD + GOOD_CHANNELS + "---\n" + POLICY_HEAD}}),
    ("policy_json_duplicate_key", ["policy", "set", "--project", "p", "dk.json"], 2,
     r"dk\.json.*(?i:duplicate)",
     {"files": {"dk.json": '{"apiVersion":"vouch/v1","kind":"Policy","kind":"Policy",'
                          '"channels":[{"name":"dev"}]}'}}),
    ("policy_not_utf8", ["policy", "set", "--project", "p", "bin.yaml"], 2,
     r"bin\.yaml.*UTF-8",
     {"files": {"bin.yaml": POLICY_HEAD + "channels:\n  - {name: \"d\udcffev\"}\n"}}),
    ("policy_missing_file", ["policy", "set", "--project", "p", "none.yaml"], 3,
     r"none\.yaml", {}),
    ("policy_unknown_project", ["policy", "set", "--project", "nosuch", "ok.yaml"], 3,
     r"nosuch", {"files": {"ok.yaml": POLICY_HEAD + GOOD_CHANNELS}}),
    # ---- promotions refused by policy ------------------------------------
    ("promote_skipping_channel", ["promote", "--project", "p", "<OK>", "--to", "staging"],
     1, r"rule: from", {"rule": "from"}),
    ("promote_not_in_any_channel", ["promote", "--project", "p", "<FRESH>", "--to", "test"],
     1, r"rule: from", {"rule": "from"}),
    ("promote_deprecated", ["promote", "--project", "p", "<DEP>", "--to", "dev"],
     1, r"rule: lifecycle", {"rule": "lifecycle"}),
    ("promote_retired", ["promote", "--project", "p", "<RET>", "--to", "dev"],
     1, r"rule: lifecycle", {"rule": "lifecycle"}),
    ("promote_revoked", ["promote", "--project", "p", "<REV>", "--to", "dev"],
     1, r"rule: trust", {"rule": "trust"}),
    ("promote_failed_verification", ["promote", "--project", "p", "<FAIL>", "--to", "dev"],
     1, r"rule: trust", {"rule": "trust"}),
    ("promote_actor_not_allowed", ["promote", "--project", "p", "<STG_OCI>", "--to", "prod",
                                   "--env", "eu-1"],
     1, r"rule: promoters", {"actor": "mallory", "rule": "promoters"}),
    ("promote_actor_not_in_list", ["promote", "--project", "p", "<OK>", "--to", "test"],
     1, r"rule: promoters", {"actor": "bob", "rule": "promoters"}),
    ("promote_env_not_listed", ["promote", "--project", "p", "<STG_OCI>", "--to", "prod",
                                "--env", "ap-9"],
     1, r"rule: environments", {"rule": "environments"}),
    ("promote_env_missing", ["promote", "--project", "p", "<STG_OCI>", "--to", "prod"],
     1, r"rule: environments", {"rule": "environments"}),
    ("promote_env_for_channel_without_envs", ["promote", "--project", "p", "<OK>", "--to",
                                              "test", "--env", "eu-1"],
     1, r"rule: environments", {"actor": "ci", "rule": "environments"}),
    ("promote_non_oci", ["promote", "--project", "p", "<STG_FILE>", "--to", "prod",
                         "--env", "eu-1"],
     1, r"rule: allowNonOci", {"rule": "allowNonOci"}),
    ("promote_source_not_allowlisted", ["promote", "--project", "p", "<OUTSIDE>", "--to", "dev"],
     1, r"rule: require\.source", {"rule": "require.source"}),
    # ---- not found ----------------------------------------------------
    ("promote_unknown_channel", ["promote", "--project", "p", "<OK>", "--to", "qa"],
     3, r"qa", {}),
    ("promote_unknown_project", ["promote", "--project", "nosuch", "<OK>", "--to", "dev"],
     3, r"nosuch", {}),
    ("promote_unknown_artifact", ["promote", "--project", "p", "sha256:" + H64, "--to", "dev"],
     3, H64[:12], {}),
    ("show_unknown_artifact", ["artifact", "show", "--project", "p", "sha256:" + H64],
     3, H64[:12], {}),
    ("register_unknown_project", ["artifact", "register", "--project", "nosuch", "--name", "n",
                                  "--kind", "binary", "--source-type", "oci",
                                  "--source-uri", "r.example/x", "sha256:" + H64],
     3, r"nosuch", {}),
    ("project_show_unknown", ["project", "show", "nosuch"], 3, r"nosuch", {}),
    ("list_unknown_channel", ["artifact", "list", "--project", "p", "--channel", "qa"],
     3, r"qa", {}),
    ("status_unknown_channel", ["status", "--project", "p", "--channel", "qa"], 3, r"qa", {}),
    ("audit_list_unknown_project", ["audit", "list", "--project", "nosuch"], 3, r"nosuch", {}),
    ("history_unknown_artifact", ["history", "--project", "p", "sha256:" + H64], 3,
     H64[:12], {}),
    # ---- registration ---------------------------------------------------
    ("register_duplicate_other_metadata",
     ["artifact", "register", "--project", "p", "--name", "other-name", "--kind", "binary",
      "--source-type", "file", "--source-uri", "<W>/builds/ok.bin", "<OK>"],
     4, r"(?i)(already|different|other)", {}),
    ("register_bad_kind", ["artifact", "register", "--project", "p", "--name", "n", "--kind",
                           "Bad Kind", "--source-type", "oci", "--source-uri", "r.example/x",
                           "sha256:" + H64], 2, r"(?i)kind", {}),
    ("register_bad_source_type", ["artifact", "register", "--project", "p", "--name", "n",
                                  "--kind", "binary", "--source-type", "ftp", "--source-uri",
                                  "ftp://x/y", "sha256:" + H64], 2, r"ftp", {}),
    ("register_relative_file_source", ["artifact", "register", "--project", "p", "--name", "n",
                                       "--kind", "binary", "--source-type", "file",
                                       "--source-uri", "builds/x.bin", "sha256:" + H64],
     2, r"(?i)absolute", {}),
    ("register_http_without_scheme", ["artifact", "register", "--project", "p", "--name", "n",
                                      "--kind", "binary", "--source-type", "http",
                                      "--source-uri", "example.com/x.bin", "sha256:" + H64],
     2, r"(?i)http", {}),
    ("register_empty_name", ["artifact", "register", "--project", "p", "--name", "",
                             "--kind", "binary", "--source-type", "oci",
                             "--source-uri", "r.example/x", "sha256:" + H64], 2, r"(?i)name", {}),
    ("register_from_file_malformed_line",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/mal.jsonl"], 2,
     r"mal\.jsonl:3",
     {"files": {"mal.jsonl": "<JL1><JL2>not json at all\n<JL3>"}}),
    ("register_from_file_not_an_object",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/arr.jsonl"], 2,
     r"arr\.jsonl:2",
     {"files": {"arr.jsonl": "<JL1>[1, 2]\n"}}),
    ("register_from_file_bad_digest_line_n",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/bd.jsonl"], 2,
     r"bd\.jsonl:4:.*(?i:digest)",
     {"files": {"bd.jsonl": "<JL1><JL2>\n<JLBAD><JL3>"}}),
    ("register_from_file_stdin_bad_kind",
     ["artifact", "register", "--project", "p", "--from-file", "-"], 2,
     r":2:.*(?i:kind)",
     {"stdin": "<JL1><JLBADKIND>"}),
    ("register_from_file_unknown_field",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/unk.jsonl"], 2,
     r"unk\.jsonl:2:.*colour",
     {"files": {"unk.jsonl": '<JL1>{"name":"u","kind":"binary","sourceType":"oci",'
                '"sourceUri":"r.example/u","digest":"sha256:%s","colour":"red"}\n' % H64}}),
    ("register_from_file_missing_field",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/mf.jsonl"], 2,
     r"mf\.jsonl:1:.*digest",
     {"files": {"mf.jsonl": '{"name":"u","kind":"binary","sourceType":"oci",'
                '"sourceUri":"r.example/u"}\n<JL1>'}}),
    ("register_from_file_conflict_within_batch",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/cw.jsonl"], 4,
     r"cw\.jsonl:2:",
     {"files": {"cw.jsonl": '<JL1>' + '{"name":"other","kind":"binary","sourceType":"oci",'
                '"sourceUri":"registry.example.com/payments/b1","digest":"<B1>"}\n'}}),
    ("register_from_file_conflict_with_store",
     ["artifact", "register", "--project", "p", "--from-file", "<W>/cs.jsonl"], 4,
     r"cs\.jsonl:3:",
     {"files": {"cs.jsonl": '<JL1><JL2>{"name":"renamed","kind":"binary","sourceType":"file",'
                '"sourceUri":"<W>/builds/ok.bin","digest":"<OK>"}\n'}}),
    ("register_name_too_long", ["artifact", "register", "--project", "p", "--name", "n" * 256,
                                "--kind", "binary", "--source-type", "oci",
                                "--source-uri", "r.example/x", "sha256:" + H64],
     2, r"(?i)name", {}),
    ("register_from_file_missing", ["artifact", "register", "--project", "p", "--from-file",
                                    "<W>/nope.jsonl"], 3, r"nope\.jsonl", {}),
    ("register_from_file_with_name", ["artifact", "register", "--project", "p", "--from-file",
                                      "<W>/x.jsonl", "--name", "n"], 2, r"(?i)from-file|name",
     {"files": {"x.jsonl": "<JL1>"}}),
    # ---- verification -------------------------------------------------
    ("verify_missing_source_file", ["artifact", "verify", "--project", "p", "<MISSING>"],
     3, r"(?i)no such file", {}),
    ("verify_directory_source", ["artifact", "verify", "--project", "p", "<DIR>"],
     1, r"(?i)directory", {}),
    ("verify_revoked", ["artifact", "verify", "--project", "p", "<REV>"], 1, r"(?i)revoked", {}),
    # ---- lifecycle transitions ------------------------------------------
    ("deprecate_retired", ["artifact", "deprecate", "--project", "p", "<RET>"], 4,
     r"(?i)retired", {}),
    ("retire_retired", ["artifact", "retire", "--project", "p", "<RET>"], 4, r"(?i)retired", {}),
    ("deprecate_deprecated", ["artifact", "deprecate", "--project", "p", "<DEP>"], 4,
     r"(?i)deprecated", {}),
    ("revoke_revoked", ["artifact", "revoke", "--project", "p", "<REV>", "--reason", "again"],
     4, r"(?i)revoked", {}),
    ("project_create_existing", ["project", "create", "p"], 4, r"(?i)exist", {}),
    # ---- CLI usage ------------------------------------------------------
    ("audit_bad_since", ["audit", "list", "--since", "yesterday"], 2, r"yesterday", {}),
    ("audit_since_bad_month", ["audit", "list", "--since", "2026-13-01T00:00:00Z"], 2,
     r"2026-13-01", {}),
    ("audit_unknown_action", ["audit", "list", "--action", "artifact.nope"], 2,
     r"artifact\.nope", {}),
    ("list_bad_trust", ["artifact", "list", "--project", "p", "--trust", "trusted"], 2,
     r"trusted", {}),
    ("list_bad_lifecycle", ["artifact", "list", "--project", "p", "--lifecycle", "gone"], 2,
     r"gone", {}),
    ("unknown_command", ["frobnicate"], 2, r"unknown command 'frobnicate'", {}),
    ("unknown_subcommand", ["artifact", "frobnicate", "--project", "p"], 2, r"frobnicate", {}),
    ("unknown_option", ["project", "list", "--frob"], 2, r"unknown option '--frob'", {}),
    ("missing_required_option", ["artifact", "show", "<OK>"], 2,
     r"(?s)missing required option --project.*Try 'vouch artifact show --help'", {}),
    ("missing_to", ["promote", "--project", "p", "<OK>"], 2, r"--to", {}),
    ("missing_option_value", ["artifact", "list", "--project"], 2, r"--project", {}),
    ("extra_positional", ["project", "show", "p", "extra"], 2, r"extra", {}),
    ("bad_output_value", ["-o", "yaml", "project", "list"], 2, r"yaml", {}),
    ("bad_output_value_after_command", ["project", "list", "--output=xml"], 2, r"xml", {}),
    ("invalid_correlation_id", ["--correlation-id", "bad id!", "project", "create", "q"],
     2, r"(?i)correlation", {}),
    ("correlation_id_too_long", ["project", "create", "q", "--correlation-id", "c" * 129],
     2, r"(?i)correlation", {}),
    ("invalid_project_name", ["project", "create", "bad name!"], 2,
     r"invalid project name 'bad name!'", {}),
    ("project_name_too_long", ["project", "create", "p" * 64], 2, r"(?i)project name", {}),
    ("invalid_actor_name", ["project", "create", "q"], 2, r"(?i)actor",
     {"actor": "bad actor!"}),
    ("digest_unknown_algorithm_cmd", ["digest", "--algorithm", "md5", "<W>/builds/ok.bin"],
     2, r"md5", {}),
    # ---- no data directory --------------------------------------------------
    ("before_init_project_list", ["project", "list"], 3, r"vouch init", {"data": "uninit"}),
    ("before_init_register", REG + ["sha256:" + H64], 3, r"vouch init", {"data": "uninit"}),
    ("before_init_audit_verify", ["audit", "verify"], 3, r"vouch init", {"data": "uninit"}),
]

EXIT_CODES = {1: {"denied", "verification_failed", "unauthorized"},
              2: {"invalid_argument", "too_large"},
              3: {"not_found"},
              4: {"already_exists", "conflict"}}


class Fixture:
    """One initialized data dir with project `p` holding artifacts in every state."""

    def __init__(self):
        self.work, self.data = h.fresh_data("bad")
        w = self.work
        self.ctx = {"W": w}
        run = lambda *a, actor="alice": self._must(h.vouch(self.data, *a, actor=actor))  # noqa

        def file_art(key, content, verify=True):
            path = h.write_file(os.path.join(w, "builds", key.lower() + ".bin"), content)
            d = h.sha256_bytes(content)
            run("artifact", "register", "--project", "p", "--name", key.lower(), "--kind",
                "binary", "--source-type", "file", "--source-uri", path, d)
            if verify:
                run("artifact", "verify", "--project", "p", d)
            self.ctx[key] = d
            return d, path

        run("project", "create", "p")
        pol = h.write_file(os.path.join(w, "policy.yaml"),
                           FIXTURE_POLICY.replace("<W>", w))
        run("policy", "set", "--project", "p", pol)

        ok, _ = file_art("OK", "ok content\n")
        run("promote", "--project", "p", ok, "--to", "dev")
        file_art("FRESH", "fresh content\n")
        stg, _ = file_art("STG_FILE", "staged file\n")
        run("promote", "--project", "p", stg, "--to", "dev")
        run("promote", "--project", "p", stg, "--to", "test", actor="ci")
        run("promote", "--project", "p", stg, "--to", "staging", actor="ci")
        dep, _ = file_art("DEP", "deprecated\n")
        run("artifact", "deprecate", "--project", "p", dep, "--reason", "old")
        ret, _ = file_art("RET", "retired\n")
        run("artifact", "retire", "--project", "p", ret)
        rev, _ = file_art("REV", "revoked\n")
        run("artifact", "revoke", "--project", "p", rev, "--reason", "CVE")
        fail, fpath = file_art("FAIL", "will change\n")
        h.write_file(fpath, "changed!\n")
        r = h.vouch(self.data, "artifact", "verify", "--project", "p", fail)
        assert r.rc == 1 and r.json["trust"] == "failed_verification", r.describe()

        # outside the allowlist: digest passes, source fails
        opath = h.write_file(os.path.join(w, "elsewhere", "out.bin"), "outside\n")
        out = h.sha256_bytes("outside\n")
        run("artifact", "register", "--project", "p", "--name", "out", "--kind", "binary",
            "--source-type", "file", "--source-uri", opath, out)
        self.ctx["OUTSIDE"] = out
        # missing / directory sources (registered, never verified)
        self.ctx["MISSING"] = h.fake_digest("missing")
        run("artifact", "register", "--project", "p", "--name", "missing", "--kind", "binary",
            "--source-type", "file", "--source-uri", os.path.join(w, "builds", "gone.bin"),
            self.ctx["MISSING"])
        os.makedirs(os.path.join(w, "builds", "adir"), exist_ok=True)
        self.ctx["DIR"] = h.fake_digest("dir")
        run("artifact", "register", "--project", "p", "--name", "dir", "--kind", "binary",
            "--source-type", "file", "--source-uri", os.path.join(w, "builds", "adir"),
            self.ctx["DIR"])
        # an OCI artifact in staging (require: [source] everywhere)
        so = h.fake_digest("stg-oci")
        run("artifact", "register", "--project", "p", "--name", "api", "--kind", "oci-image",
            "--source-type", "oci", "--source-uri", "registry.example.com/payments/api", so)
        r = h.vouch(self.data, "artifact", "verify", "--project", "p", so)
        assert r.json and r.json["artifact"]["trust"] == "unverified", r.describe()
        run("promote", "--project", "p", so, "--to", "dev")
        run("promote", "--project", "p", so, "--to", "test", actor="ci")
        run("promote", "--project", "p", so, "--to", "staging", actor="ci")
        self.ctx["STG_OCI"] = so

        def line(name, digest, kind="binary"):
            return h.jsonl([{"name": name, "kind": kind, "sourceType": "oci",
                             "sourceUri": "registry.example.com/payments/" + name,
                             "digest": digest}])
        self.ctx["JL1"] = line("b1", h.fake_digest("b1"))
        self.ctx["B1"] = h.fake_digest("b1")
        self.ctx["JL2"] = line("b2", h.fake_digest("b2"))
        self.ctx["JL3"] = line("b3", h.fake_digest("b3"))
        self.ctx["JLBAD"] = line("bad", "sha256:" + H64.upper())
        self.ctx["JLBADKIND"] = line("bk", h.fake_digest("bk"), kind="Not A Kind")

        self.uninit = os.path.join(w, "never-initialized")
        self.pristine = os.path.join(w, "pristine")
        shutil.copytree(self.data, self.pristine)
        self.dump = h.db_dump(self.data)

    @staticmethod
    def _must(r):
        if r.rc != 0:
            raise AssertionError("fixture step failed:\n" + r.describe())
        return r

    def sub(self, s):
        return re.sub(r"<([A-Z0-9_]+)>", lambda m: self.ctx[m.group(1)], s)

    def restore(self):
        shutil.rmtree(self.data)
        shutil.copytree(self.pristine, self.data)


FIX = None


class BadInput(h.VouchTestCase):
    @classmethod
    def setUpClass(cls):
        global FIX
        if FIX is None:
            FIX = Fixture()

    def test_table_size(self):
        self.assertGreaterEqual(len(ROWS), 45)
        self.assertEqual(len({r[0] for r in ROWS}), len(ROWS), "duplicate row names")

    def run_row(self, row):
        name, argv, rc, pattern, opts = row
        fx = FIX
        for rel, content in opts.get("files", {}).items():
            h.write_file(os.path.join(fx.work, rel), fx.sub(content))
        argv = [fx.sub(a) for a in argv]
        stdin = fx.sub(opts["stdin"]) if "stdin" in opts else None
        actor = opts.get("actor", "alice")
        uninit = opts.get("data") == "uninit"
        data = fx.uninit if uninit else fx.data
        try:
            for output in ("text", "json"):
                before = None if uninit else h.db_dump(data)
                r = h.vouch(data, *argv, actor=actor, output=output, stdin=stdin, cwd=fx.work)
                self.assertNoSanitizerReport(r)
                self.assertRc(r, rc, "%s (-o %s)" % (name, output))
                self.assertRegex(r.err, pattern, r.describe())
                self.assertNotRegex(r.err, r"(?i)internal error|sqlite|assert", r.describe())
                if uninit:
                    self.assertFalse(os.path.exists(h.db_path(data)),
                                     "a command before init created a store")
                else:
                    self.assertEqual(h.db_dump(data), before,
                                     "%s changed the database (-o %s)" % (name, output))
                    self.assertEqual(h.db_dump(data), fx.dump)
                if output == "json" and r.err.startswith("vouch: error:"):
                    e = self.assertErrorJson(r, rule=opts.get("rule"))
                    self.assertIn(e["code"], EXIT_CODES[rc], r.describe())
                    self.assertTrue(e["message"], r.describe())
                elif output == "text":
                    self.assertTrue(r.err.startswith("vouch: "), r.describe())
                    if not r.err.startswith("vouch: error:"):
                        self.assertRegex(r.err, r"Try 'vouch[ a-z]*--help'\.", r.describe())
                    if "rule" in opts:
                        self.assertIn("  rule: " + opts["rule"], r.err)
        finally:
            if not uninit and h.db_dump(fx.data) != fx.dump:
                fx.restore()


def _make(row):
    def t(self):
        self.run_row(row)
    t.__doc__ = "%s -> exit %d" % (row[0], row[2])
    return t


for _i, _row in enumerate(ROWS):
    setattr(BadInput, "test_%03d_%s" % (_i, _row[0]), _make(_row))


if __name__ == "__main__":
    h.main()
