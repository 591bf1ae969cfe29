"""The whole lifecycle through the real vouch binary, as a user drives it."""
import http.server
import json
import os
import re
import threading

from vouch_e2e import (ZERO_HASH, VouchCase, db_exec, main, run, sha256_bytes, write)

POLICY = """apiVersion: vouch/v1
kind: Policy
baseline: [digest, source]
allowNonOci: true
groups:
  release-managers: [alice, bob]
sources:
  - {type: file, match: "%(dir)s/**"}
  - {type: http, match: "http://127.0.0.1:*/**"}
  - {type: oci,  match: "registry.example.com/payments/*"}
channels:
  - {name: dev,     require: [digest],         promoters: ["*"]}
  - {name: test,    from: dev,  require: [digest, source], promoters: [ci]}
  - {name: staging, from: test, require: [digest, source], promoters: [ci, "@release-managers"]}
  - {name: prod,    from: staging, require: [digest, source], promoters: ["@release-managers"], environments: [eu-1, us-1]}
  - {name: edge,    from: staging, promoters: ["*"], allowNonOci: false}
"""


def policy_json(work):
    return {
        "kind": "Policy", "apiVersion": "vouch/v1",
        "channels": [
            {"name": "dev", "require": ["digest"], "promoters": ["*"]},
            {"name": "test", "from": "dev", "require": ["digest", "source"], "promoters": ["ci"]},
            {"name": "staging", "from": "test", "require": ["digest", "source"],
             "promoters": ["ci", "@release-managers"]},
            {"name": "prod", "from": "staging", "require": ["digest", "source"],
             "promoters": ["@release-managers"], "environments": ["eu-1", "us-1"]},
            {"name": "edge", "from": "staging", "promoters": ["*"], "allowNonOci": False},
        ],
        "sources": [{"type": "file", "match": work + "/**"},
                    {"type": "http", "match": "http://127.0.0.1:*/**"},
                    {"match": "registry.example.com/payments/*", "type": "oci"}],
        "groups": {"release-managers": ["alice", "bob"]},
        "allowNonOci": True, "baseline": ["digest", "source"],
    }


class Lifecycle(VouchCase):
    def setUp(self):
        super().setUp()
        self.init_project()
        self.set_policy(POLICY % {"dir": self.work})

    def promote(self, digest, channel, actor, env=None):
        args = ["promote", "--project", "pay", digest, "--to", channel]
        if env:
            args += ["--env", env]
        return self.vouch(*args, actor=actor)

    def refused(self, r, rule):
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.json["error"]["code"], "denied", r)
        self.assertEqual(r.json["error"]["details"]["rule"], rule, r)
        self.assertIn("cannot promote", r.err)

    def verified(self, name, content):
        path, d = self.register_file(name, content)
        r = self.ok("artifact", "verify", "--project", "pay", d, actor="ci")
        self.assertEqual(r.json["trust"], "verified")
        return path, d

    def test_init_is_idempotent_and_projects_list(self):
        r = self.ok("init")
        self.assertFalse(r.json["created"])
        self.ok("project", "create", "other")
        names = [p["name"] for p in self.ok("project", "list").json["projects"]]
        self.assertEqual(names, ["other", "pay"])
        r = self.vouch("project", "create", "pay")
        self.assertEqual(r.rc, 4, r)
        r = self.ok("project", "show", "other")
        self.assertEqual(r.json["project"]["channels"], ["dev", "test", "staging", "prod"])

    def test_default_policy_requires_digest(self):
        self.ok("project", "create", "fresh")
        pol = self.ok("policy", "show", "--project", "fresh").json["policy"]
        self.assertEqual([c["name"] for c in pol["channels"]], ["dev", "test", "staging", "prod"])
        for c in pol["channels"]:
            self.assertEqual(c["require"], ["digest"])
            self.assertEqual(c["promoters"], ["*"])

    def test_yaml_and_json_policies_have_one_digest(self):
        y = self.ok("policy", "verify", write(os.path.join(self.work, "p.yaml"),
                                              POLICY % {"dir": self.work}))
        j = self.ok("policy", "verify", write(os.path.join(self.work, "p.json"),
                                              json.dumps(policy_json(self.work), indent=3)))
        self.assertEqual(y.json["policyDigest"], j.json["policyDigest"])
        shown = self.ok("policy", "show", "--project", "pay").json
        self.assertEqual(shown["policyDigest"], y.json["policyDigest"])
        r = self.ok("policy", "set", "--project", "pay", os.path.join(self.work, "p.json"))
        self.assertFalse(r.json["changed"])

    def test_digest_command_matches_hashlib(self):
        path, d = self.artifact_file("blob", "some bytes\n")
        self.assertEqual(self.ok("digest", path).json["digest"], d)
        r = run(["digest", "-"], stdin="some bytes\n")
        self.assertEqual(r.out.strip(), d)

    def test_register_is_idempotent_and_bulk(self):
        path, d = self.register_file("a.bin", "alpha")
        r = self.ok("artifact", "register", "--project", "pay", "--name", "a.bin", "--kind",
                    "binary", "--source-type", "file", "--source-uri", path, d)
        self.assertFalse(r.json["created"])
        lines = []
        for i in range(50):
            lines.append(json.dumps({"name": "b%d" % i, "kind": "binary", "sourceType": "file",
                                     "sourceUri": "/srv/b%d" % i,
                                     "digest": sha256_bytes(b"b%d" % i)}))
        lst = write(os.path.join(self.work, "list.jsonl"), "\n".join(lines) + "\n\n")
        r = self.ok("artifact", "register", "--project", "pay", "--from-file", lst)
        self.assertEqual((r.json["created"], r.json["unchanged"]), (50, 0))
        r = self.ok("artifact", "register", "--project", "pay", "--from-file", lst)
        self.assertEqual((r.json["created"], r.json["unchanged"]), (0, 50))
        arts = self.ok("artifact", "list", "--project", "pay").json["artifacts"]
        self.assertEqual(len(arts), 51)

    def test_verify_file_sources(self):
        path, d = self.register_file("ok.bin", "good bytes")
        r = self.ok("artifact", "verify", "--project", "pay", d)
        self.assertEqual((r.json["previousTrust"], r.json["trust"]), ("unverified", "verified"))
        checks = {c["check"]: c for c in r.json["checks"]}
        self.assertEqual(checks["digest"]["result"], "pass")
        self.assertEqual(checks["digest"]["evidence"]["bytes"], len("good bytes"))
        self.assertEqual(checks["source"]["result"], "pass")
        write(path, "changed bytes")
        r = self.vouch("artifact", "verify", "--project", "pay", d)
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.json["trust"], "failed_verification")
        shown = self.ok("artifact", "show", "--project", "pay", d).json["artifact"]
        self.assertEqual(shown["trust"], "failed_verification")
        self.assertEqual([c["check"] for c in shown["checks"]],
                         ["digest", "source", "signature", "provenance", "sbom", "scan", "log"])
        self.assertEqual(shown["checks"][0]["evidence"]["actual"], sha256_bytes(b"changed bytes"))

    def test_file_url_sources_match_the_allowlist_by_path(self):
        path, d = self.artifact_file("url file.bin", "via file url")
        url = "file://" + path.replace(" ", "%20")
        self.ok("artifact", "register", "--project", "pay", "--name", "u", "--kind", "binary",
                "--source-type", "file", "--source-uri", url, d)
        r = self.ok("artifact", "verify", "--project", "pay", d)
        self.assertEqual({c["check"]: c["result"] for c in r.json["checks"]},
                         {"digest": "pass", "source": "pass"})

    def test_verify_http_source(self):
        body = b"served over http\n"

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/build.tar":
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                else:
                    self.send_error(404)

            def log_message(self, *a):
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        try:
            base = "http://127.0.0.1:%d" % srv.server_address[1]
            d = sha256_bytes(body)
            self.ok("artifact", "register", "--project", "pay", "--name", "h", "--kind",
                    "archive", "--source-type", "http", "--source-uri", base + "/build.tar", d)
            r = self.ok("artifact", "verify", "--project", "pay", d)
            self.assertEqual(r.json["trust"], "verified")
            d2 = sha256_bytes(b"missing")
            self.ok("artifact", "register", "--project", "pay", "--name", "m", "--kind",
                    "archive", "--source-type", "http", "--source-uri", base + "/missing", d2)
            r = self.vouch("artifact", "verify", "--project", "pay", d2)
            self.assertEqual(r.rc, 3, r)
            self.assertIn("404", r.err)
        finally:
            srv.shutdown()

    def test_promotion_through_channels_and_refusals(self):
        _, d = self.verified("app.tar", "app 1.0")
        self.refused(self.promote(d, "test", "ci"), "from")
        r = self.promote(d, "dev", "ci")
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.json["changed"])
        self.assertEqual(r.json["transition"]["lifecycle"], {"from": "published", "to": "promoted"})
        r = self.promote(d, "dev", "ci")
        self.assertEqual(r.rc, 0, r)
        self.assertFalse(r.json["changed"])
        self.refused(self.promote(d, "test", "alice"), "promoters")
        self.assertEqual(self.promote(d, "test", "ci").rc, 0)
        self.assertEqual(self.promote(d, "staging", "bob").rc, 0)
        self.refused(self.promote(d, "prod", "ci", "eu-1"), "promoters")
        self.refused(self.promote(d, "prod", "alice"), "environments")
        self.refused(self.promote(d, "prod", "alice", "mars-1"), "environments")
        self.refused(self.promote(d, "edge", "alice"), "allowNonOci")
        self.refused(self.promote(d, "dev", "ci", "eu-1"), "environments")
        r = self.promote(d, "prod", "alice", "eu-1")
        self.assertEqual(r.rc, 0, r)
        p = r.json["promotion"]
        self.assertEqual((p["channel"], p["environment"], p["actor"]), ("prod", "eu-1", "alice"))
        self.assertEqual({c["check"]: c["result"] for c in p["checks"]}["source"], "pass")
        r = self.vouch("promote", "--project", "pay", d, "--to", "nope")
        self.assertEqual(r.rc, 3, r)

        status = self.ok("status", "--project", "pay").json["channels"]
        cur = {(c["channel"], e["environment"]): (e["current"] or {}).get("digest")
               for c in status for e in c["environments"]}
        self.assertEqual(cur[("prod", "eu-1")], d)
        self.assertIsNone(cur[("prod", "us-1")])
        self.assertEqual(cur[("dev", None)], d)
        only = self.ok("status", "--project", "pay", "--channel", "prod").json["channels"]
        self.assertEqual([c["channel"] for c in only], ["prod"])

        hist = self.ok("history", "--project", "pay", d).json["events"]
        self.assertEqual([e["action"] for e in hist],
                         ["artifact.register", "artifact.verify"] + ["artifact.promote"] * 4)
        self.assertEqual([(e["target"] or {}).get("channel") for e in hist[2:]],
                         ["dev", "test", "staging", "prod"])

        listed = self.ok("artifact", "list", "--project", "pay", "--channel", "prod").json
        self.assertEqual([a["digest"] for a in listed["artifacts"]], [d])

    def test_rollback_is_an_explicit_promotion_of_an_older_digest(self):
        _, old = self.verified("v1.tar", "version 1")
        _, new = self.verified("v2.tar", "version 2")
        for d in (old, new):
            self.assertEqual(self.promote(d, "dev", "ci").rc, 0)
        cur = self.ok("status", "--project", "pay", "--channel", "dev").json
        self.assertEqual(cur["channels"][0]["environments"][0]["current"]["digest"], new)
        r = self.promote(old, "dev", "ci")
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(r.json["changed"])
        cur = self.ok("status", "--project", "pay", "--channel", "dev").json
        self.assertEqual(cur["channels"][0]["environments"][0]["current"]["digest"], old)

    def test_lifecycle_and_trust_transitions(self):
        _, d = self.verified("t.tar", "transitions")
        self.ok("artifact", "deprecate", "--project", "pay", d, "--reason", "superseded")
        self.refused(self.promote(d, "dev", "ci"), "lifecycle")
        self.assertEqual(self.vouch("artifact", "deprecate", "--project", "pay", d).rc, 4)
        self.ok("artifact", "retire", "--project", "pay", d)
        self.assertEqual(self.vouch("artifact", "deprecate", "--project", "pay", d).rc, 4)
        self.assertEqual(self.vouch("artifact", "retire", "--project", "pay", d).rc, 4)
        self.ok("artifact", "revoke", "--project", "pay", d, "--reason", "key leaked")
        self.assertEqual(self.vouch("artifact", "revoke", "--project", "pay", d).rc, 4)
        self.assertEqual(self.vouch("artifact", "verify", "--project", "pay", d).rc, 1)
        a = self.ok("artifact", "show", "--project", "pay", d).json["artifact"]
        self.assertEqual((a["lifecycle"], a["trust"]), ("retired", "revoked"))
        _, r2 = self.verified("r.tar", "revoke me")
        self.ok("artifact", "revoke", "--project", "pay", r2)
        self.refused(self.promote(r2, "dev", "ci"), "trust")
        by = self.ok("artifact", "list", "--project", "pay", "--trust", "revoked").json
        self.assertEqual(sorted(a["digest"] for a in by["artifacts"]), sorted([d, r2]))
        by = self.ok("artifact", "list", "--project", "pay", "--lifecycle", "retired").json
        self.assertEqual([a["digest"] for a in by["artifacts"]], [d])
        hist = self.ok("history", "--project", "pay", d).json["events"]
        self.assertEqual([e["action"] for e in hist][-3:],
                         ["artifact.deprecate", "artifact.retire", "artifact.revoke"])
        self.assertEqual(hist[-3]["reason"], "superseded")

    def test_policy_change_rederives_trust(self):
        inside, d_in = self.verified("in.tar", "inside")
        out_dir = self.work + "-elsewhere"  # outside the allowlisted tree
        os.mkdir(out_dir)
        self.addCleanup(lambda: __import__("shutil").rmtree(out_dir, ignore_errors=True))
        path = write(os.path.join(out_dir, "x.tar"), "outside")
        d_out = sha256_bytes(b"outside")
        self.ok("artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
                "--source-type", "file", "--source-uri", path, d_out)
        r = self.vouch("artifact", "verify", "--project", "pay", d_out)
        self.assertEqual((r.rc, r.json["trust"]), (1, "failed_verification"))
        # allow the other directory: the stored source check is re-evaluated
        self.set_policy((POLICY % {"dir": self.work}).replace(
            '  - {type: file, match: "%s/**"}\n' % self.work,
            '  - {type: file, match: "%s/*"}\n' % out_dir))
        a_out = self.ok("artifact", "show", "--project", "pay", d_out).json["artifact"]
        a_in = self.ok("artifact", "show", "--project", "pay", d_in).json["artifact"]
        self.assertEqual(a_out["trust"], "verified")
        self.assertEqual(a_in["trust"], "failed_verification")
        hist = self.ok("history", "--project", "pay", d_in).json["events"]
        self.assertEqual(hist[-1]["details"]["cause"], "policy.set")
        self.assertEqual(hist[-1]["transition"]["trust"],
                         {"from": "verified", "to": "failed_verification"})

    def test_audit_list_export_and_chain(self):
        _, d = self.verified("au.tar", "audited")
        self.ok("promote", "--project", "pay", d, "--to", "dev", "--correlation-id", "deploy-42",
                actor="ci")
        events = self.ok("audit", "list", "--project", "pay").json["events"]
        self.assertEqual([e["seq"] for e in events], list(range(1, len(events) + 1)))
        self.assertEqual(events[0]["prevHash"], ZERO_HASH)
        for prev, cur in zip(events, events[1:]):
            self.assertEqual(cur["prevHash"], prev["hash"])
        promo = self.ok("audit", "list", "--action", "artifact.promote").json["events"]
        self.assertEqual(len(promo), 1)
        e = promo[0]
        self.assertEqual((e["actor"], e["correlationId"], e["digest"]), ("ci", "deploy-42", d))
        self.assertEqual(e["target"], {"channel": "dev", "environment": None})
        for key in ("seq", "time", "action", "actor", "project", "artifactId", "digest", "kind",
                    "sourceType", "transition", "target", "correlationId", "policyDigest",
                    "reason", "details", "prevHash", "hash"):
            self.assertIn(key, e)
        self.assertEqual(self.ok("audit", "list", "--since", "2999-01-01T00:00:00Z").json["events"],
                         [])
        exported = self.vouch("audit", "export", "--project", "pay", output="text")
        lines = [json.loads(x) for x in exported.out.splitlines()]
        self.assertEqual(lines, events)
        r = self.ok("audit", "verify")
        self.assertEqual(r.json["events"], len(events))

    def test_audit_verify_detects_tampering(self):
        _, d = self.verified("tm.tar", "tamper")
        self.ok("promote", "--project", "pay", d, "--to", "dev", actor="ci")
        self.ok("audit", "verify")
        import shutil
        saved = os.path.join(self.work, "saved.db")
        db = os.path.join(self.data, "vouch.db")
        shutil.copy(db, saved)
        db_exec(self.data, "UPDATE audit_events SET actor = 'cj' WHERE seq = 4")
        r = self.vouch("audit", "verify")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.err, r"event 4 .*does not match its stored hash")
        # an artifact's identity is part of its events: editing it breaks the chain too
        shutil.copy(saved, db)
        db_exec(self.data, "UPDATE artifacts SET kind = 'evil'")
        r = self.vouch("audit", "verify")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.err, r"event 3 .*does not match its stored hash")

    def test_audit_verify_detects_a_dropped_event_and_state_edits(self):
        _, d = self.verified("dr.tar", "drop")
        self.ok("promote", "--project", "pay", d, "--to", "dev", actor="ci")
        saved = os.path.join(self.work, "saved.db")
        db = os.path.join(self.data, "vouch.db")
        self.ok("audit", "verify")
        import shutil
        shutil.copy(db, saved)
        db_exec(self.data, "DELETE FROM audit_events WHERE seq = 3")
        r = self.vouch("audit", "verify")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.err, r"event 3 is missing")
        shutil.copy(saved, db)
        db_exec(self.data, "UPDATE artifacts SET trust = 'revoked'")
        r = self.vouch("audit", "verify")
        self.assertEqual(r.rc, 1, r)
        self.assertRegex(r.err, r"state and audit trail disagree")

    def test_global_flags_anywhere_and_environment(self):
        env = {"VOUCH_DATA": self.data, "VOUCH_ACTOR": "envuser"}
        r = run(["project", "create", "envproj", "--output", "json"], env=env, actor=None)
        self.assertEqual(r.rc, 0, r)
        ev = run(["audit", "list", "--action", "project.create", "-o", "json"], env=env,
                 actor=None).json["events"]
        self.assertEqual(ev[-1]["actor"], "envuser")
        r = run(["project", "show", "envproj", "--data", self.data, "--actor", "x", "-o", "json"])
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.json["project"]["name"], "envproj")

    def test_help_everywhere(self):
        for args in (["--help"], ["artifact", "--help"], ["artifact", "register", "--help"],
                     ["help", "promote"], ["audit", "verify", "--help"]):
            r = run(args)
            self.assertEqual(r.rc, 0, r)
            self.assertRegex(r.out, r"(?i)usage")
        self.assertRegex(run(["promote", "--help"]).out, r"vouch .*promote .*--to")
        self.assertEqual(run(["--version"]).rc, 0)

    def test_text_output_is_readable(self):
        _, d = self.verified("tx.tar", "text")
        self.ok("promote", "--project", "pay", d, "--to", "dev", actor="ci")
        r = self.vouch("status", "--project", "pay", output="text")
        self.assertEqual(r.rc, 0)
        self.assertRegex(r.out, r"dev\s+-\s+sha256:[0-9a-f]{12}")
        r = self.vouch("history", "--project", "pay", d, output="text")
        self.assertRegex(r.out, r"artifact\.promote")


if __name__ == "__main__":
    main()
