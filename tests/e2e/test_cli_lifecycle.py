"""The whole vouch lifecycle through the real binary: init, projects, policy,
digest, register (single and bulk), verify (file and http sources),
promotion with its refusals, rollback, status, history, list filters,
lifecycle/trust transitions, policy re-derivation, the audit trail (list
filters, export, verify) and tampering detected by `audit verify`.
"""

import json
import os
import re
import shutil
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

V = h.vouch

POLICY_YAML = """\
apiVersion: vouch/v1
kind: Policy
baseline: [digest, source]          # what "verified" means for the trust state
allowNonOci: true                   # project default
groups:
  release-managers: [alice, bob]
sources:                            # allowlist
  - {type: file, match: "<W>/builds/**"}
  - {type: http, match: "http://127.0.0.1:*/**"}
  - {type: oci,  match: "registry.example.com/payments/*"}
channels:
  - {name: dev,     require: [digest],         promoters: ["*"]}
  - {name: test,    from: dev,  require: [digest, source], promoters: [ci]}
  - {name: staging, from: test, require: [digest, source], promoters: [ci, "@release-managers"]}
  - {name: prod,    from: staging, require: [<PRODREQ>], promoters: ["@release-managers"], allowNonOci: <PRODNONOCI>, environments: [eu-1, us-1]}
"""


def policy_doc(work, prod_nonoci=True, prod_require=("digest", "source")):
    return (POLICY_YAML.replace("<W>", work)
            .replace("<PRODNONOCI>", "true" if prod_nonoci else "false")
            .replace("<PRODREQ>", ", ".join(prod_require)))


def policy_json(work, prod_nonoci=True, prod_require=("digest", "source")):
    return {
        "apiVersion": "vouch/v1", "kind": "Policy",
        "baseline": ["digest", "source"], "allowNonOci": True,
        "groups": {"release-managers": ["alice", "bob"]},
        "sources": [{"type": "file", "match": work + "/builds/**"},
                    {"type": "http", "match": "http://127.0.0.1:*/**"},
                    {"type": "oci", "match": "registry.example.com/payments/*"}],
        "channels": [
            {"name": "dev", "require": ["digest"], "promoters": ["*"]},
            {"name": "test", "from": "dev", "require": ["digest", "source"],
             "promoters": ["ci"]},
            {"name": "staging", "from": "test", "require": ["digest", "source"],
             "promoters": ["ci", "@release-managers"]},
            {"name": "prod", "from": "staging", "require": list(prod_require),
             "promoters": ["@release-managers"], "allowNonOci": prod_nonoci,
             "environments": ["eu-1", "us-1"]},
        ]}


class Env:
    """A fresh data dir with project `pay` under the example policy."""

    def __init__(self, tc, prefix="life", policy=True, **kw):
        self.tc = tc
        self.work, self.data = h.fresh_data(prefix)
        self.builds = os.path.join(self.work, "builds")
        os.makedirs(self.builds)
        tc.assertOk(self.v("project", "create", "pay"))
        if policy:
            path = h.write_file(os.path.join(self.work, "policy.yaml"),
                                policy_doc(self.work, **kw))
            r = self.v("policy", "set", "--project", "pay", path)
            tc.assertOk(r)
            self.policy_digest = r.json["policyDigest"]

    def v(self, *args, **kw):
        r = V(self.data, *args, **kw)
        self.tc.assertNoSanitizerReport(r)
        return r

    def file_artifact(self, name, content, verify=True, sub="builds"):
        path = h.write_file(os.path.join(self.work, sub, name), content)
        d = h.sha256_bytes(content)
        r = self.v("artifact", "register", "--project", "pay", "--name", name, "--kind",
                   "binary", "--source-type", "file", "--source-uri", path, d)
        self.tc.assertOk(r)
        if verify:
            r = self.v("artifact", "verify", "--project", "pay", d)
            self.tc.assertOk(r)
            self.tc.assertEqual(r.json["trust"], "verified")
        return d, path

    def promote(self, digest, channel, actor="alice", env=None, rc=0, rule=None):
        args = ["promote", "--project", "pay", digest, "--to", channel]
        if env:
            args += ["--env", env]
        r = self.v(*args, actor=actor)
        self.tc.assertRc(r, rc, "promote to %s%s as %s" % (channel, "/" + env if env else "",
                                                            actor))
        if rule:
            self.tc.assertErrorJson(r, code="denied", rule=rule)
            self.tc.assertIn("rule: " + rule, r.err)
        return r

    def show(self, digest, project="pay"):
        r = self.v("artifact", "show", "--project", project, digest)
        self.tc.assertOk(r)
        return r.json["artifact"]

    def events(self, *args):
        r = self.v("audit", "list", *args)
        self.tc.assertOk(r)
        return r.json["events"]


class Lifecycle(h.VouchTestCase):

    # ---- init / projects / policy --------------------------------------

    def test_init_twice_is_idempotent(self):
        work = h.fresh_dir("init")
        data = os.path.join(work, "d")
        r = V(data, "init")
        self.assertOk(r)
        self.assertEqual(r.json, {"dataDir": data, "created": True})
        self.assertEqual(stat.S_IMODE(os.stat(data).st_mode), 0o700)
        dump = h.db_dump(data)
        r = V(data, "init")
        self.assertOk(r)
        self.assertEqual(r.json["created"], False)
        self.assertEqual(h.db_dump(data), dump)
        r = V(data, "init", output="text")
        self.assertOk(r)
        self.assertEqual(h.db_dump(data), dump)

    def test_projects_create_list_show(self):
        work, data = h.fresh_data("proj")
        r = V(data, "project", "create", "payments")
        self.assertOk(r)
        p = r.json["project"]
        self.assertEqual(p["name"], "payments")
        self.assertEqual(p["channels"], ["dev", "test", "staging", "prod"])
        self.assertEqual(p["artifactCount"], 0)
        self.assertRegex(p["policyDigest"], h.DIGEST_RE)
        self.assertRegex(p["createdAt"], h.TIME_RE)
        self.assertOk(V(data, "project", "create", "billing"))
        r = V(data, "project", "list")
        self.assertOk(r)
        self.assertEqual(sorted(x["name"] for x in r.json["projects"]), ["billing", "payments"])
        r = V(data, "project", "show", "payments")
        self.assertOk(r)
        self.assertEqual(r.json["project"], p)
        listed = {x["name"]: x for x in V(data, "project", "list").json["projects"]}
        self.assertEqual(listed["payments"], p)
        r = V(data, "project", "create", "payments")
        self.assertRc(r, 4)
        ev = V(data, "audit", "list", "--action", "project.create").json["events"]
        self.assertEqual([e["project"] for e in ev], ["payments", "billing"])
        self.assertEqual({e["actor"] for e in ev}, {"alice"})
        r = V(data, "project", "list", output="text")
        self.assertOk(r)
        self.assertIn("payments", r.out)
        self.assertIn("billing", r.out)

    def test_default_policy(self):
        work, data = h.fresh_data("defpol")
        self.assertOk(V(data, "project", "create", "p"))
        r = V(data, "policy", "show", "--project", "p")
        self.assertOk(r)
        pol = r.json["policy"]
        self.assertEqual(r.json["project"], "p")
        self.assertEqual(pol["baseline"], ["digest"])
        chans = pol["channels"]
        self.assertEqual([c["name"] for c in chans], ["dev", "test", "staging", "prod"])
        self.assertEqual([c["from"] for c in chans], [None, "dev", "test", "staging"])
        for c in chans:
            self.assertEqual(c["require"], ["digest"])
            self.assertEqual(c["promoters"], ["*"])
        proj = V(data, "project", "show", "p").json["project"]
        self.assertEqual(proj["policyDigest"], r.json["policyDigest"])

    def test_policy_yaml_and_json_same_digest(self):
        work = h.fresh_dir("pol")
        y = h.write_file(os.path.join(work, "policy.yaml"), policy_doc(work))
        j = h.write_file(os.path.join(work, "policy.json"), json.dumps(policy_json(work)))
        ry = V(None, "policy", "verify", y, actor=None)   # needs no data directory
        self.assertOk(ry)
        rj = V(None, "policy", "verify", j, actor=None)
        self.assertOk(rj)
        self.assertEqual(ry.json["valid"], True)
        self.assertRegex(ry.json["policyDigest"], h.DIGEST_RE)
        self.assertEqual(ry.json["policyDigest"], rj.json["policyDigest"])
        self.assertEqual(ry.json["policy"], rj.json["policy"])
        # stdin form too
        rs = V(None, "policy", "verify", "-", actor=None, stdin=open(y).read())
        self.assertOk(rs)
        self.assertEqual(rs.json["policyDigest"], ry.json["policyDigest"])
        # a different policy has a different digest
        other = h.write_file(os.path.join(work, "other.yaml"),
                             policy_doc(work, prod_nonoci=False))
        self.assertNotEqual(V(None, "policy", "verify", other, actor=None).json["policyDigest"],
                            ry.json["policyDigest"])

        _, data = h.fresh_data("pol2")
        self.assertOk(V(data, "project", "create", "pay"))
        default = V(data, "project", "show", "pay").json["project"]["policyDigest"]
        r = V(data, "policy", "set", "--project", "pay", y, actor="root",
              correlation_id="CHG-1042")
        self.assertOk(r)
        self.assertEqual(r.json["project"], "pay")
        self.assertEqual(r.json["policyDigest"], ry.json["policyDigest"])
        self.assertEqual(r.json["previousPolicyDigest"], default)
        self.assertIs(r.json["changed"], True)
        self.assertEqual(r.json["rederived"], [])
        show = V(data, "policy", "show", "--project", "pay").json
        self.assertEqual(show["policyDigest"], ry.json["policyDigest"])
        pol = show["policy"]
        self.assertEqual(pol["groups"], {"release-managers": ["alice", "bob"]})
        self.assertEqual(pol["baseline"], ["digest", "source"])
        prod = pol["channels"][3]
        self.assertEqual(prod["environments"], ["eu-1", "us-1"])
        self.assertEqual(prod["promoters"], ["@release-managers"])
        self.assertEqual(prod["from"], "staging")
        self.assertEqual(V(data, "project", "show", "pay").json["project"]["policyDigest"],
                         ry.json["policyDigest"])
        # the JSON twin changes nothing
        r = V(data, "policy", "set", "--project", "pay", j)
        self.assertOk(r)
        self.assertIs(r.json["changed"], False)
        self.assertEqual(r.json["policyDigest"], ry.json["policyDigest"])
        ev = V(data, "audit", "list", "--action", "policy.set").json["events"]
        self.assertGreaterEqual(len(ev), 1)
        self.assertEqual(ev[0]["actor"], "root")
        self.assertEqual(ev[0]["correlationId"], "CHG-1042")
        self.assertEqual(ev[0]["policyDigest"], ry.json["policyDigest"])
        self.assertEqual(ev[0]["project"], "pay")
        self.assertOk(V(data, "audit", "verify"))

    def test_channel_allow_non_oci_defaults_to_project(self):
        work = h.fresh_dir("nonoci")
        y = h.write_file(os.path.join(work, "p.yaml"),
                         "apiVersion: vouch/v1\nkind: Policy\nallowNonOci: false\n"
                         "channels:\n  - {name: dev}\n  - {name: prod, from: dev, "
                         "allowNonOci: true}\n")
        r = V(None, "policy", "verify", y, actor=None)
        self.assertOk(r)
        ch = r.json["policy"]["channels"]
        self.assertEqual([c["allowNonOci"] for c in ch], [False, True])

    # ---- digest / register ---------------------------------------------

    def test_digest_command(self):
        work = h.fresh_dir("dig")
        content = os.urandom(300000)
        f = h.write_file(os.path.join(work, "blob"), content)
        r = V(None, "digest", f, actor=None, output="text")
        self.assertOk(r)
        self.assertEqual(r.out.strip(), h.sha256_bytes(content))
        r = V(None, "digest", f, actor=None)
        self.assertOk(r)
        self.assertEqual(r.json["digest"], h.sha256_bytes(content))
        self.assertEqual(r.json["bytes"], len(content))
        import hashlib
        r = V(None, "digest", "--algorithm", "sha512", "-", actor=None, output="text",
              stdin=content)
        self.assertOk(r)
        self.assertEqual(r.out.strip(), "sha512:" + hashlib.sha512(content).hexdigest())
        self.assertRc(V(None, "digest", os.path.join(work, "none"), actor=None), 3)

    def test_register_single_and_bulk(self):
        e = Env(self, "reg", policy=False)
        d, path = e.file_artifact("cli", "cli 1.0\n", verify=False)
        a = e.show(d)
        self.assertEqual((a["lifecycle"], a["trust"]), ("published", "unverified"))
        self.assertEqual((a["name"], a["kind"], a["sourceType"], a["sourceUri"]),
                         ("cli", "binary", "file", path))
        self.assertEqual([c["check"] for c in a["checks"]],
                         ["digest", "source", "signature", "provenance", "sbom", "scan", "log"])
        for c in a["checks"]:
            self.assertEqual((c["result"], c["evidence"], c["checkedAt"]),
                             ("not_run", None, None))
        self.assertEqual(a["channels"], [])
        dump = h.db_dump(e.data)
        r = e.v("artifact", "register", "--project", "pay", "--name", "cli", "--kind", "binary",
                "--source-type", "file", "--source-uri", path, d)
        self.assertOk(r)
        self.assertIs(r.json["created"], False)
        self.assertEqual(r.json["artifact"]["id"], a["id"])
        self.assertEqual(h.db_dump(e.data), dump, "identical re-registration changed the store")
        r = e.v("artifact", "register", "--project", "pay", "--name", "cli", "--kind", "binary",
                "--source-type", "file", "--source-uri", path, d, output="text")
        self.assertOk(r)
        self.assertIn("already registered", r.out + r.err)

        lines = [{"name": "svc-%02d" % i, "kind": "oci-image", "sourceType": "oci",
                  "sourceUri": "registry.example.com/payments/svc-%02d" % i,
                  "digest": h.fake_digest("bulk-%d" % i)} for i in range(50)]
        text = h.jsonl(lines[:25]) + "\n   \n" + h.jsonl(lines[25:])  # blank lines skipped
        lst = h.write_file(os.path.join(e.work, "build-42.jsonl"), text)
        r = e.v("artifact", "register", "--project", "pay", "--from-file", lst)
        self.assertOk(r)
        self.assertEqual((r.json["count"], r.json["created"], r.json["unchanged"]), (50, 50, 0))
        r = e.v("artifact", "register", "--project", "pay", "--from-file", "-", stdin=text)
        self.assertOk(r)
        self.assertEqual((r.json["count"], r.json["created"], r.json["unchanged"]), (50, 0, 50))
        arts = e.v("artifact", "list", "--project", "pay").json["artifacts"]
        self.assertEqual(len(arts), 51)
        self.assertNotIn("checks", arts[0])
        self.assertNotIn("channels", arts[0])
        got = {a["digest"]: a for a in arts}
        for ln in lines:
            a = got[ln["digest"]]
            self.assertEqual((a["name"], a["kind"], a["sourceType"], a["sourceUri"]),
                             (ln["name"], ln["kind"], ln["sourceType"], ln["sourceUri"]))
        self.assertEqual(e.v("project", "show", "pay").json["project"]["artifactCount"], 51)
        regs = e.events("--action", "artifact.register")
        self.assertEqual(len(regs), 51)
        self.assertEqual({ev["digest"] for ev in regs[1:]}, {ln["digest"] for ln in lines})
        # a batch with one conflicting line registers nothing
        bad = dict(lines[0], name="renamed")
        new = {"name": "new", "kind": "binary", "sourceType": "oci",
               "sourceUri": "registry.example.com/payments/new", "digest": h.fake_digest("new")}
        dump = h.db_dump(e.data)
        r = e.v("artifact", "register", "--project", "pay", "--from-file", "-",
                stdin=h.jsonl([new, bad]))
        self.assertRc(r, 4)
        self.assertEqual(h.db_dump(e.data), dump)
        self.assertOk(e.v("audit", "verify"))

    # ---- verify ---------------------------------------------------------

    def test_verify_file_and_http_sources(self):
        e = Env(self, "ver")
        d, path = e.file_artifact("tool", "tool v1\n", verify=False)
        r = e.v("artifact", "verify", "--project", "pay", d)
        self.assertOk(r)
        self.assertEqual((r.json["previousTrust"], r.json["trust"]), ("unverified", "verified"))
        checks = {c["check"]: c for c in r.json["checks"]}
        self.assertEqual(checks["digest"]["result"], "pass")
        self.assertEqual(checks["digest"]["evidence"]["actual"], d)
        self.assertEqual(checks["source"]["result"], "pass")
        a = e.show(d)
        self.assertEqual(a["trust"], "verified")
        stored = {c["check"]: c for c in a["checks"]}
        self.assertEqual(stored["digest"]["policyDigest"], e.policy_digest)
        self.assertRegex(stored["digest"]["checkedAt"], h.TIME_RE)
        self.assertEqual(stored["signature"]["result"], "not_run")
        # content changed at the source -> failed_verification, exit 1, recorded
        h.write_file(path, "tool v1 TAMPERED\n")
        r = e.v("artifact", "verify", "--project", "pay", d)
        self.assertRc(r, 1)
        self.assertEqual((r.json["previousTrust"], r.json["trust"]),
                         ("verified", "failed_verification"))
        checks = {c["check"]: c for c in r.json["checks"]}
        self.assertEqual(checks["digest"]["result"], "fail")
        self.assertEqual(checks["digest"]["evidence"]["actual"],
                         h.sha256_bytes("tool v1 TAMPERED\n"))
        self.assertEqual(e.show(d)["trust"], "failed_verification")
        # restored -> verified again (re-verification moves between states)
        h.write_file(path, "tool v1\n")
        r = e.v("artifact", "verify", "--project", "pay", d)
        self.assertOk(r)
        self.assertEqual(r.json["trust"], "verified")
        # text output: the trust change and one line per check
        r = e.v("artifact", "verify", "--project", "pay", d, output="text")
        self.assertOk(r)
        self.assertRegex(r.out, r"(?m)^digest\s+pass")
        self.assertRegex(r.out, r"(?m)^source\s+pass")

        srv = h.HttpServer(e.builds)
        try:
            h.write_file(os.path.join(e.builds, "web.tar"), b"web archive\x00\x01" * 1000)
            hd = h.sha256_bytes(b"web archive\x00\x01" * 1000)
            self.assertOk(e.v("artifact", "register", "--project", "pay", "--name", "web",
                              "--kind", "archive", "--source-type", "http", "--source-uri",
                              srv.url("web.tar"), hd))
            r = e.v("artifact", "verify", "--project", "pay", hd)
            self.assertOk(r)
            self.assertEqual(r.json["trust"], "verified")
            checks = {c["check"]: c for c in r.json["checks"]}
            self.assertEqual((checks["digest"]["result"], checks["source"]["result"]),
                             ("pass", "pass"))
            self.assertEqual(checks["digest"]["evidence"]["bytes"], 13000)
            # 404: an unreadable source records nothing
            md = h.fake_digest("http-missing")
            self.assertOk(e.v("artifact", "register", "--project", "pay", "--name", "gone",
                              "--kind", "archive", "--source-type", "http", "--source-uri",
                              srv.url("nothere.tar"), md))
            dump = h.db_dump(e.data)
            r = e.v("artifact", "verify", "--project", "pay", md)
            self.assertRc(r, 3)
            self.assertIn("404", r.err)
            self.assertErrorJson(r, code="not_found")
            self.assertEqual(h.db_dump(e.data), dump)
        finally:
            srv.close()
        self.assertOk(e.v("audit", "verify"))

    # ---- promotion ------------------------------------------------------

    def test_promotion_flow_rollback_status_history(self):
        e = Env(self, "promo")
        a1, _ = e.file_artifact("api-1.0", "api 1.0\n")
        a2, _ = e.file_artifact("api-1.1", "api 1.1\n")

        r = e.promote(a1, "dev", actor="alice")
        self.assertIs(r.json["changed"], True)
        self.assertEqual(r.json["transition"],
                         {"lifecycle": {"from": "published", "to": "promoted"}})
        p = r.json["promotion"]
        self.assertEqual((p["project"], p["digest"], p["name"], p["channel"], p["environment"],
                          p["actor"], p["policyDigest"]),
                         ("pay", a1, "api-1.0", "dev", None, "alice", e.policy_digest))
        self.assertRegex(p["promotedAt"], h.TIME_RE)
        self.assertEqual([c["check"] for c in p["checks"]],
                         ["digest", "source", "signature", "provenance", "sbom", "scan", "log"])
        self.assertEqual(p["checks"][0]["result"], "pass")
        self.assertEqual(e.show(a1)["lifecycle"], "promoted")

        e.promote(a1, "test", actor="alice", rc=1, rule="promoters")
        e.promote(a1, "test", actor="ci")
        e.promote(a1, "prod", actor="alice", env="eu-1", rc=1, rule="from")
        e.promote(a1, "staging", actor="bob")              # via @release-managers
        e.promote(a1, "prod", actor="alice", rc=1, rule="environments")
        e.promote(a1, "prod", actor="alice", env="ap-9", rc=1, rule="environments")
        e.promote(a1, "prod", actor="ci", env="eu-1", rc=1, rule="promoters")
        r = e.promote(a1, "prod", actor="alice", env="eu-1")
        self.assertEqual((r.json["promotion"]["channel"], r.json["promotion"]["environment"]),
                         ("prod", "eu-1"))
        first_prod = r.json["promotion"]
        # idempotent: already current there
        dump = h.db_dump(e.data)
        r = e.promote(a1, "prod", actor="alice", env="eu-1")
        self.assertIs(r.json["changed"], False)
        self.assertEqual(r.json["promotion"]["id"], first_prod["id"])
        self.assertEqual(h.db_dump(e.data), dump)

        # a2 goes the whole way, then a1 is rolled back into prod/eu-1
        e.promote(a2, "staging", actor="ci", rc=1, rule="from")
        e.promote(a2, "dev", actor="carol")
        e.promote(a2, "test", actor="ci")
        e.promote(a2, "staging", actor="alice")
        r = e.promote(a2, "prod", actor="bob", env="eu-1")
        self.assertIs(r.json["changed"], True)
        st = e.v("status", "--project", "pay", "--channel", "prod").json
        self.assertEqual([c["channel"] for c in st["channels"]], ["prod"])
        envs = {x["environment"]: x["current"] for x in st["channels"][0]["environments"]}
        self.assertEqual(set(envs), {"eu-1", "us-1"})
        self.assertEqual(envs["eu-1"]["digest"], a2)
        self.assertIsNone(envs["us-1"])
        chans = {(c["channel"], c["environment"]): c for c in e.show(a1)["channels"]}
        self.assertIs(chans[("prod", "eu-1")]["current"], False)
        self.assertIs(chans[("dev", None)]["current"], False)
        self.assertIs(chans[("staging", None)]["current"], False)

        r = e.promote(a1, "prod", actor="alice", env="eu-1")      # rollback
        self.assertIs(r.json["changed"], True)
        self.assertNotEqual(r.json["promotion"]["id"], first_prod["id"])
        e.promote(a1, "prod", actor="bob", env="us-1")
        st = e.v("status", "--project", "pay").json
        self.assertEqual(st["project"], "pay")
        self.assertEqual(st["policyDigest"], e.policy_digest)
        self.assertEqual([c["channel"] for c in st["channels"]],
                         ["dev", "test", "staging", "prod"])
        cur = {(c["channel"], x["environment"]): x["current"]
               for c in st["channels"] for x in c["environments"]}
        self.assertEqual(set(cur), {("dev", None), ("test", None), ("staging", None),
                                    ("prod", "eu-1"), ("prod", "us-1")})
        self.assertEqual(cur[("dev", None)]["digest"], a2)
        self.assertEqual(cur[("staging", None)]["digest"], a2)
        self.assertEqual(cur[("prod", "eu-1")]["digest"], a1)
        self.assertEqual(cur[("prod", "eu-1")]["actor"], "alice")
        self.assertEqual(cur[("prod", "us-1")]["digest"], a1)
        self.assertEqual(cur[("prod", "us-1")]["actor"], "bob")
        for k in ("name", "kind", "lifecycle", "trust", "promotedAt", "correlationId"):
            self.assertIn(k, cur[("prod", "eu-1")])
        self.assertEqual(cur[("prod", "eu-1")]["lifecycle"], "promoted")
        self.assertIs(e.show(a1)["channels"][-1]["current"], True)

        # text status names every channel
        r = e.v("status", "--project", "pay", output="text")
        self.assertOk(r)
        for c in ("dev", "test", "staging", "prod", "eu-1", "us-1"):
            self.assertIn(c, r.out)

        # history of a1: each entry names its audit action, in order
        hist = e.v("history", "--project", "pay", a1).json
        self.assertEqual(hist["artifact"]["digest"], a1)
        acts = [(ev["action"], (ev["target"] or {}).get("channel"),
                 (ev["target"] or {}).get("environment")) for ev in hist["events"]]
        self.assertEqual(acts, [
            ("artifact.register", None, None), ("artifact.verify", None, None),
            ("artifact.promote", "dev", None), ("artifact.promote", "test", None),
            ("artifact.promote", "staging", None), ("artifact.promote", "prod", "eu-1"),
            ("artifact.promote", "prod", "eu-1"), ("artifact.promote", "prod", "us-1")])
        seqs = [ev["seq"] for ev in hist["events"]]
        self.assertEqual(seqs, sorted(seqs))
        self.assertEqual(hist["events"][2]["transition"],
                         {"lifecycle": {"from": "published", "to": "promoted"}})
        self.assertEqual([ev["actor"] for ev in hist["events"][2:]],
                         ["alice", "ci", "bob", "alice", "alice", "bob"])
        r = e.v("history", "--project", "pay", a1, output="text")
        self.assertOk(r)
        self.assertIn(a1, r.out)
        self.assertEqual(r.out.count("artifact.promote"), 6)

        # list filters
        def listed(*f):
            r = e.v("artifact", "list", "--project", "pay", *f)
            self.assertOk(r)
            return sorted(a["digest"] for a in r.json["artifacts"])
        self.assertEqual(listed("--channel", "prod"), [a1])
        self.assertEqual(listed("--channel", "dev"), [a2])
        self.assertEqual(listed("--channel", "staging"), [a2])
        self.assertEqual(listed("--lifecycle", "promoted"), sorted([a1, a2]))
        self.assertEqual(listed("--lifecycle", "published"), [])
        self.assertEqual(listed("--trust", "verified"), sorted([a1, a2]))
        self.assertEqual(listed("--trust", "revoked"), [])
        self.assertEqual(listed("--trust", "verified", "--channel", "prod"), [a1])
        self.assertOk(e.v("audit", "verify"))

    def test_refusals_lifecycle_and_trust(self):
        e = Env(self, "refuse")
        dep, _ = e.file_artifact("dep", "dep\n")
        ret, _ = e.file_artifact("ret", "ret\n")
        rev, _ = e.file_artifact("rev", "rev\n")
        bad, bpath = e.file_artifact("bad", "bad\n")
        e.promote(dep, "dev")
        self.assertOk(e.v("artifact", "deprecate", "--project", "pay", dep))
        self.assertOk(e.v("artifact", "retire", "--project", "pay", ret))
        self.assertOk(e.v("artifact", "revoke", "--project", "pay", rev))
        h.write_file(bpath, "bad!\n")
        self.assertRc(e.v("artifact", "verify", "--project", "pay", bad), 1)
        dump = h.db_dump(e.data)
        e.promote(dep, "test", actor="ci", rc=1, rule="lifecycle")
        e.promote(ret, "dev", rc=1, rule="lifecycle")
        e.promote(rev, "dev", rc=1, rule="trust")
        e.promote(bad, "dev", rc=1, rule="trust")
        self.assertEqual(h.db_dump(e.data), dump, "a refused promotion changed the store")
        self.assertEqual(len(e.events("--action", "artifact.promote")), 1)

    def test_allow_non_oci_false(self):
        # the example policy: prod takes OCI only and requires digest,
        # which OCI sources cannot pass yet (not_run) -> require.digest
        e = Env(self, "oci", prod_nonoci=False)
        oci = h.fake_digest("oci-api")
        self.assertOk(e.v("artifact", "register", "--project", "pay", "--name", "api", "--kind",
                          "oci-image", "--source-type", "oci", "--source-uri",
                          "registry.example.com/payments/api", oci))
        r = e.v("artifact", "verify", "--project", "pay", oci)
        self.assertRc(r, 1)                              # digest not_run: not verified
        checks = {c["check"]: c["result"] for c in r.json["checks"]}
        self.assertEqual((checks["digest"], checks["source"]), ("not_run", "pass"))
        self.assertEqual(r.json["trust"], "unverified")
        e.promote(oci, "dev", rc=1, rule="require.digest")

        # prod requiring only `source`: OCI goes to prod, a file artifact is refused
        path = h.write_file(os.path.join(e.work, "p2.yaml"),
                            policy_doc(e.work, prod_nonoci=False, prod_require=("source",))
                            .replace("require: [digest]", "require: [source]")
                            .replace("require: [digest, source]", "require: [source]"))
        self.assertOk(e.v("policy", "set", "--project", "pay", path))
        f, _ = e.file_artifact("cli", "cli\n")
        for d in (oci, f):
            e.promote(d, "dev")
            e.promote(d, "test", actor="ci")
            e.promote(d, "staging", actor="ci")
        r = e.promote(oci, "prod", actor="bob", env="us-1")
        self.assertEqual(r.json["promotion"]["environment"], "us-1")
        e.promote(f, "prod", actor="bob", env="us-1", rc=1, rule="allowNonOci")
        st = e.v("status", "--project", "pay", "--channel", "prod").json
        cur = {x["environment"]: x["current"] for x in st["channels"][0]["environments"]}
        self.assertEqual(cur["us-1"]["digest"], oci)
        self.assertEqual(cur["us-1"]["kind"], "oci-image")

    def test_promote_text_output(self):
        e = Env(self, "ptext")
        d, _ = e.file_artifact("api", "api text\n")
        r = e.v("promote", "--project", "pay", d, "--to", "dev", output="text",
                correlation_id="REL-2026.11")
        self.assertOk(r)
        self.assertRegex(r.out, r"promoted %s… \(api\) to dev" % re.escape(d[:19]))
        r = e.v("promote", "--project", "pay", d, "--to", "test", output="text")
        self.assertRc(r, 1)
        self.assertRegex(r.err, r"^vouch: error: .*\n  rule: promoters\n")

    # ---- transitions ----------------------------------------------------

    def test_deprecate_retire_revoke_transitions(self):
        e = Env(self, "trans")
        d, _ = e.file_artifact("x", "x\n")
        e.promote(d, "dev")
        r = e.v("artifact", "deprecate", "--project", "pay", d, "--reason", "superseded by 1.5",
                correlation_id="CHG-7")
        self.assertOk(r)
        self.assertEqual(r.json["transition"],
                         {"lifecycle": {"from": "promoted", "to": "deprecated"}})
        self.assertEqual(r.json["artifact"]["lifecycle"], "deprecated")
        self.assertRc(e.v("artifact", "deprecate", "--project", "pay", d), 4)
        r = e.v("artifact", "retire", "--project", "pay", d)
        self.assertOk(r)
        self.assertEqual(r.json["transition"],
                         {"lifecycle": {"from": "deprecated", "to": "retired"}})
        dump = h.db_dump(e.data)
        for verb in ("deprecate", "retire"):
            r = e.v("artifact", verb, "--project", "pay", d)
            self.assertRc(r, 4, verb + " of a retired artifact")
            self.assertErrorJson(r, code="conflict")
        self.assertEqual(h.db_dump(e.data), dump)
        # revoke is a trust transition: allowed on a retired artifact, then terminal
        r = e.v("artifact", "revoke", "--project", "pay", d, "--reason", "CVE-2026-1234")
        self.assertOk(r)
        self.assertEqual(r.json["transition"], {"trust": {"from": "verified", "to": "revoked"}})
        self.assertEqual((r.json["artifact"]["trust"], r.json["artifact"]["lifecycle"]),
                         ("revoked", "retired"))
        self.assertRc(e.v("artifact", "revoke", "--project", "pay", d), 4)
        self.assertRc(e.v("artifact", "verify", "--project", "pay", d), 1)
        self.assertEqual(e.show(d)["trust"], "revoked")
        # published -> retired directly; published -> deprecated
        p1, _ = e.file_artifact("p1", "p1\n", verify=False)
        r = e.v("artifact", "retire", "--project", "pay", p1)
        self.assertOk(r)
        self.assertEqual(r.json["transition"],
                         {"lifecycle": {"from": "published", "to": "retired"}})
        p2, _ = e.file_artifact("p2", "p2\n", verify=False)
        r = e.v("artifact", "deprecate", "--project", "pay", p2)
        self.assertOk(r)
        self.assertEqual(r.json["transition"],
                         {"lifecycle": {"from": "published", "to": "deprecated"}})
        r = e.v("artifact", "revoke", "--project", "pay", p2)
        self.assertEqual(r.json["transition"],
                         {"trust": {"from": "unverified", "to": "revoked"}})

        hist = [ev for ev in e.v("history", "--project", "pay", d).json["events"]]
        self.assertEqual([ev["action"] for ev in hist],
                         ["artifact.register", "artifact.verify", "artifact.promote",
                          "artifact.deprecate", "artifact.retire", "artifact.revoke"])
        self.assertEqual(hist[3]["reason"], "superseded by 1.5")
        self.assertEqual(hist[3]["correlationId"], "CHG-7")
        self.assertEqual(hist[5]["reason"], "CVE-2026-1234")
        self.assertEqual(hist[5]["transition"], {"trust": {"from": "verified", "to": "revoked"}})
        lst = lambda *f: sorted(a["digest"] for a in  # noqa: E731
                                e.v("artifact", "list", "--project", "pay", *f).json["artifacts"])
        self.assertEqual(lst("--lifecycle", "retired"), sorted([d, p1]))
        self.assertEqual(lst("--lifecycle", "deprecated"), [p2])
        self.assertEqual(lst("--trust", "revoked"), sorted([d, p2]))
        self.assertEqual(lst("--trust", "unverified"), [p1])
        self.assertOk(e.v("audit", "verify"))

    # ---- policy change re-derives trust ---------------------------------

    def test_policy_change_rederives_trust(self):
        e = Env(self, "rederive", policy=False)        # default policy: baseline [digest]
        inside, _ = e.file_artifact("inside", "inside\n")
        outside, _ = e.file_artifact("outside", "outside\n", sub="elsewhere")
        revoked, _ = e.file_artifact("revoked", "revoked\n", sub="elsewhere")
        never = h.fake_digest("never")
        self.assertOk(e.v("artifact", "register", "--project", "pay", "--name", "never",
                          "--kind", "binary", "--source-type", "oci", "--source-uri",
                          "registry.example.com/other/never", never))
        self.assertOk(e.v("artifact", "revoke", "--project", "pay", revoked))
        old = e.v("project", "show", "pay").json["project"]["policyDigest"]
        strict = h.write_file(os.path.join(e.work, "strict.yaml"),
                              "apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest, source]\n"
                              "sources:\n  - {type: file, match: \"%s/builds/**\"}\n"
                              "channels:\n  - {name: dev, promoters: ['*']}\n" % e.work)
        r = e.v("policy", "set", "--project", "pay", strict, correlation_id="CHG-9")
        self.assertOk(r)
        self.assertIs(r.json["changed"], True)
        self.assertEqual(r.json["previousPolicyDigest"], old)
        self.assertEqual(r.json["rederived"],
                         [{"digest": outside, "from": "verified", "to": "failed_verification"}])
        new = r.json["policyDigest"]
        self.assertEqual(e.show(outside)["trust"], "failed_verification")
        self.assertEqual(e.show(inside)["trust"], "verified")
        self.assertEqual(e.show(revoked)["trust"], "revoked")
        self.assertEqual(e.show(never)["trust"], "unverified")
        ev = [x for x in e.events("--action", "artifact.verify") if x["digest"] == outside][-1]
        self.assertEqual(ev["details"]["cause"], "policy.set")
        self.assertEqual(ev["transition"],
                         {"trust": {"from": "verified", "to": "failed_verification"}})
        self.assertEqual(ev["policyDigest"], new)
        self.assertEqual(ev["correlationId"], "CHG-9")
        self.assertEqual(e.v("artifact", "list", "--project", "pay", "--trust",
                             "failed_verification").json["artifacts"][0]["digest"], outside)
        # the failed artifact is refused promotion by rule trust
        r = e.v("promote", "--project", "pay", outside, "--to", "dev")
        self.assertRc(r, 1)
        self.assertErrorJson(r, code="denied", rule="trust")
        # back to the lenient baseline: verified again
        lenient = h.write_file(os.path.join(e.work, "lenient.yaml"),
                               "apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest]\n"
                               "channels:\n  - {name: dev, promoters: ['*']}\n")
        r = e.v("policy", "set", "--project", "pay", lenient)
        self.assertOk(r)
        self.assertEqual(r.json["rederived"],
                         [{"digest": outside, "from": "failed_verification", "to": "verified"}])
        # text output lists each re-derived change
        r = e.v("policy", "set", "--project", "pay", strict, output="text")
        self.assertOk(r)
        self.assertIn(outside[:19], r.out)
        self.assertIn("failed_verification", r.out)
        self.assertNotIn(inside[:19], r.out)
        self.assertOk(e.v("audit", "verify"))

    # ---- audit ------------------------------------------------------------

    def _busy(self, prefix="audit"):
        e = Env(self, prefix)
        self.assertOk(e.v("project", "create", "other", actor="bob"))
        a, _ = e.file_artifact("a", "a\n")
        b, _ = e.file_artifact("b", "b\n")
        e.promote(a, "dev")
        e.promote(a, "test", actor="ci")
        self.assertOk(e.v("artifact", "deprecate", "--project", "pay", b, "--reason", "old"))
        return e, a, b

    def test_audit_list_export_verify(self):
        e, a, b = self._busy()
        ev = e.events()
        self.assertEqual([x["seq"] for x in ev], list(range(1, len(ev) + 1)))
        self.assertEqual([x["action"] for x in ev], [
            "project.create", "policy.set", "project.create", "artifact.register",
            "artifact.verify", "artifact.register", "artifact.verify", "artifact.promote",
            "artifact.promote", "artifact.deprecate"])
        keys = {"seq", "time", "action", "actor", "project", "artifactId", "digest", "kind",
                "sourceType", "transition", "target", "correlationId", "policyDigest", "reason",
                "details", "prevHash", "hash"}
        for x in ev:
            self.assertEqual(set(x), keys, "audit event members (api.md: never absent)")
            self.assertRegex(x["time"], h.TIME_RE)
        promo = ev[8]
        self.assertEqual((promo["actor"], promo["project"], promo["digest"], promo["kind"],
                          promo["sourceType"], promo["target"]),
                         ("ci", "pay", a, "binary", "file",
                          {"channel": "test", "environment": None}))
        self.assertEqual(promo["artifactId"], e.show(a)["id"])
        self.assertEqual(ev[9]["reason"], "old")
        self.assertEqual(ev[9]["transition"],
                         {"lifecycle": {"from": "published", "to": "deprecated"}})
        # filters
        self.assertEqual([x["seq"] for x in e.events("--project", "other")], [3])
        self.assertEqual(len(e.events("--project", "pay")), 9)
        self.assertEqual([x["seq"] for x in e.events("--action", "artifact.promote")], [8, 9])
        self.assertEqual([x["seq"] for x in e.events("--project", "pay", "--action",
                                                      "artifact.verify")], [5, 7])
        t = ev[7]["time"]
        self.assertEqual([x["seq"] for x in e.events("--since", t)],
                         [x["seq"] for x in ev if x["time"] >= t])
        # the same instant with a UTC offset selects the same events
        import datetime
        inst = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        for off in (datetime.timedelta(hours=2), -datetime.timedelta(hours=5, minutes=30)):
            local = inst.astimezone(datetime.timezone(off)).isoformat(timespec="milliseconds")
            self.assertEqual([x["seq"] for x in e.events("--since", local)],
                             [x["seq"] for x in ev if x["time"] >= t], local)
        self.assertEqual(e.events("--since", "2999-01-01T00:00:00Z"), [])
        self.assertEqual(len(e.events("--since", "2000-01-01T00:00:00Z")), len(ev))
        r = e.v("audit", "list", output="text")
        self.assertOk(r)
        self.assertIn("artifact.deprecate", r.out)

        # export: JSON lines, chained, hashes recomputable
        r = e.v("audit", "export", output="text")
        self.assertOk(r)
        r2 = e.v("audit", "export", output="json")
        self.assertEqual(r2.out, r.out, "export prints JSON lines whatever --output says")
        lines = r.out.splitlines()
        self.assertEqual(len(lines), len(ev))
        prev = h.ZERO_HASH
        for ln, lx in zip(lines, ev):
            x = json.loads(ln)
            self.assertNotIn("\n", ln)
            self.assertEqual(x["prevHash"], prev)
            self.assertEqual(x["hash"], h.canonical_hash(x))
            self.assertEqual(x, lx)
            prev = x["hash"]
        r = e.v("audit", "export", "--project", "other", output="text")
        self.assertOk(r)
        self.assertEqual([json.loads(x)["seq"] for x in r.out.splitlines()], [3])

        r = e.v("audit", "verify")
        self.assertOk(r)
        self.assertEqual(r.json, {"ok": True, "events": len(ev), "head": prev})
        r = e.v("audit", "verify", output="text")
        self.assertOk(r)
        self.assertIn(str(len(ev)), r.out)
        self.assertIn(prev, r.out)

    def _tampered(self, e, *stmts):
        """Copy e's data dir, run each (sql, params) on it (each touching one
        row), and expect `audit verify` to fail (exit 1). Returns the text run."""
        work = h.fresh_dir("tamper")
        copy = os.path.join(work, "d")
        shutil.copytree(e.data, copy)
        for st in stmts:
            sql, params = (st, ()) if isinstance(st, str) else st
            n = h.db_write(copy, sql, params)
            self.assertEqual(n, 1, "tampering statement %r touched %d rows" % (sql, n))
        r = V(copy, "audit", "verify", output="text")
        self.assertNoSanitizerReport(r)
        self.assertRc(r, 1)
        self.assertRegex(r.err, r"^vouch: error: ")
        rj = V(copy, "audit", "verify")
        self.assertRc(rj, 1)
        self.assertErrorJson(rj, code="verification_failed")
        return r

    def test_audit_verify_detects_tampering(self):
        e, a, b = self._busy("tamp")
        self.assertOk(e.v("audit", "verify"))
        # one byte of an event's JSON (the verify event's details)
        det = h.db_query(e.data, "SELECT details FROM audit_events WHERE seq = 5")[0][0]
        self.assertIn('"pass"', det)
        r = self._tampered(e, ("UPDATE audit_events SET details = ? WHERE seq = 5",
                               (det.replace('"pass"', '"pasS"', 1),)))
        self.assertRegex(r.err, r"event 5\b")
        # one byte of the target JSON of a promotion
        tgt = h.db_query(e.data, "SELECT target FROM audit_events WHERE seq = 9")[0][0]
        r = self._tampered(e, ("UPDATE audit_events SET target = ? WHERE seq = 9",
                               (tgt.replace("test", "tesT"),)))
        self.assertRegex(r.err, r"event 9\b")
        # the actor of an event
        r = self._tampered(e, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 8")
        self.assertRegex(r.err, r"event 8\b")
        # a middle event deleted
        r = self._tampered(e, "DELETE FROM audit_events WHERE seq = 6")
        self.assertRegex(r.err, r"event 6\b")
        # two events swapped (reordered)
        r = self._tampered(e, "UPDATE audit_events SET seq = 1000 WHERE seq = 4",
                           "UPDATE audit_events SET seq = 4 WHERE seq = 6",
                           "UPDATE audit_events SET seq = 6 WHERE seq = 1000")
        self.assertRegex(r.err, r"event 4\b")
        # the last event deleted: the chain alone cannot tell, the tables can
        r = self._tampered(e, "DELETE FROM audit_events WHERE seq = 10")
        self.assertIn(b, r.err)
        self.assertRegex(r.err, r"lifecycle|deprecated")

    def test_audit_verify_detects_state_tampering(self):
        e, a, b = self._busy("tamp2")
        r = self._tampered(e, ("UPDATE artifacts SET trust = 'revoked' WHERE digest = ?", (a,)))
        self.assertIn(a, r.err)
        self.assertRegex(r.err, r"trust")
        r = self._tampered(e, ("UPDATE artifacts SET lifecycle = 'published' WHERE digest = ?",
                               (b,)))
        self.assertIn(b, r.err)
        self.assertRegex(r.err, r"lifecycle")
        r = self._tampered(e, "DELETE FROM channel_heads WHERE channel = 'test'")
        # name what disagrees: the channel (or the event that recorded it)
        self.assertRegex(r.err, r"'test'|event \d+")

    def test_source_allowlist_globs_and_traversal(self):
        e = Env(self, "glob", policy=False)
        srv = h.HttpServer(e.work)
        try:
            pol = h.write_file(os.path.join(e.work, "glob.yaml"), (
                "apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest, source]\n"
                "sources:\n"
                "  - {type: file, match: \"%s/builds/**\"}\n"
                "  - {type: http, match: \"http://127.0.0.1:*/builds/**\"}\n"
                "  - {type: oci,  match: \"registry.example.com/payments/*\"}\n"
                "channels:\n  - {name: dev, require: [source], promoters: ['*']}\n") % e.work)
            self.assertOk(e.v("policy", "set", "--project", "pay", pol))

            def source_result(stype, uri, content=None):
                d = h.sha256_bytes(content) if content is not None else h.fake_digest(uri)
                r = e.v("artifact", "register", "--project", "pay", "--name", "g", "--kind",
                        "binary", "--source-type", stype, "--source-uri", uri, d)
                if r.rc == 2:
                    return "refused", None
                self.assertOk(r)
                r = e.v("artifact", "verify", "--project", "pay", d)
                self.assertIn(r.rc, (0, 1), r.describe())
                return {c["check"]: c["result"] for c in r.json["checks"]}["source"], r.json

            h.write_file(os.path.join(e.builds, "a", "b", "nested.bin"), "nested\n")
            self.assertEqual(source_result("file", os.path.join(e.builds, "a", "b", "nested.bin"),
                                           "nested\n")[0], "pass")
            self.assertEqual(source_result("oci", "registry.example.com/payments/api")[0], "pass")
            self.assertEqual(source_result("oci", "registry.example.com/payments/team/api")[0],
                             "fail")
            self.assertEqual(source_result("oci", "registry.example.com/paymentsX/api")[0],
                             "fail")
            h.write_file(os.path.join(e.builds, "a", "b", "web.bin"), "web nested\n")
            self.assertEqual(source_result("http", srv.url("builds/a/b/web.bin"),
                                           "web nested\n")[0], "pass")
            # content outside the allowlisted tree, reached through '..' segments,
            # must not pass the source check (or be refused at registration)
            h.write_file(os.path.join(e.work, "secret", "s.bin"), "secret\n")
            h.write_file(os.path.join(e.work, "secret", "t.bin"), "secret t\n")
            h.write_file(os.path.join(e.work, "secret", "u.bin"), "secret u\n")
            for stype, uri, content in [
                    ("file", e.builds + "/../secret/s.bin", "secret\n"),
                    ("http", srv.url("builds/../secret/t.bin"), "secret t\n"),
                    ("http", srv.url("builds/%2e%2e/secret/u.bin"), "secret u\n")]:
                with self.subTest(uri=uri):
                    res, body = source_result(stype, uri, content)
                    self.assertNotEqual(res, "pass",
                                        "allowlist bypassed with '..': %s %s passed the "
                                        "source check (content fetched from outside the "
                                        "allowlisted tree)" % (stype, uri))
        finally:
            srv.close()

    def test_file_url_source_allowlisted(self):
        e = Env(self, "fileurl")
        # file:/// URLs are accepted for file sources (absolute path or file:/// URL)
        h.write_file(os.path.join(e.builds, "plain.bin"), "plain\n")
        d = h.sha256_bytes("plain\n")
        self.assertOk(e.v("artifact", "register", "--project", "pay", "--name", "plain",
                          "--kind", "binary", "--source-type", "file", "--source-uri",
                          "file://" + e.builds + "/plain.bin", d))
        r = e.v("artifact", "verify", "--project", "pay", d)
        checks = {c["check"]: c["result"] for c in (r.json or {}).get("checks", [])}
        self.assertEqual(checks.get("digest"), "pass", r.describe())
        # the allowlist entry "<work>/builds/**" names this very file
        self.assertEqual(checks.get("source"), "pass",
                         "a file:/// URL of an allowlisted path fails the source check\n"
                         + r.describe())
        self.assertOk(r)
        self.assertEqual(r.json["trust"], "verified")

    def test_file_url_percent_encoded(self):
        e = Env(self, "fileurl2", policy=False)          # default policy: baseline [digest]
        # RFC 8089: a file URL is percent-encoded; 'a%20b.bin' names the file 'a b.bin'
        h.write_file(os.path.join(e.builds, "a b.bin"), "spaced\n")
        d = h.sha256_bytes("spaced\n")
        self.assertOk(e.v("artifact", "register", "--project", "pay", "--name", "spaced",
                          "--kind", "binary", "--source-type", "file", "--source-uri",
                          "file://" + e.builds + "/a%20b.bin", d))
        r = e.v("artifact", "verify", "--project", "pay", d)
        self.assertOk(r, "file URL with %20 not percent-decoded")
        self.assertEqual(r.json["trust"], "verified")

    def test_text_output_conventions(self):
        e = Env(self, "text", policy=False)
        self.assertOk(e.v("project", "create", "empty"))
        r = e.v("status", "--project", "empty", output="text")
        self.assertOk(r)
        self.assertEqual(len(re.findall(r"\(empty\)", r.out)), 4, r.out)
        d, _ = e.file_artifact("t", "t\n")
        r = e.v("artifact", "deprecate", "--project", "pay", d, "--reason",
                "evil\x1b[31mred\x07bell", output="text")
        self.assertOk(r)
        r = e.v("history", "--project", "pay", d, output="text")
        self.assertOk(r)
        self.assertIn(d, r.out)                         # headers print full digests
        self.assertNotIn("\x1b", r.out)
        self.assertNotIn("\x07", r.out)
        self.assertIn("evil?[31mred?bell", r.out)
        r = e.v("audit", "list", output="text")
        self.assertNotIn("\x1b", r.out)
        self.assertRegex(r.out, r"sha256:[0-9a-f]{12}…")   # lists shorten digests
        self.assertNotIn(d, r.out)
        # JSON keeps the stored reason exactly
        ev = e.events("--action", "artifact.deprecate")[0]
        self.assertEqual(ev["reason"], "evil\x1b[31mred\x07bell")
        r = e.v("artifact", "list", "--project", "pay", output="text")
        self.assertRegex(r.out, r"(?m)^DIGEST\s+NAME\s+KIND\s+LIFECYCLE\s+TRUST")

    # ---- global flags, environment, correlation ids ----------------------

    def test_global_flags_env_and_correlation_id(self):
        work = h.fresh_dir("flags")
        data = os.path.join(work, "d")
        # global flags after the command, in the documented spellings
        r = h.run_raw(["init", "--data", data, "-o", "json"])
        self.assertOk(r)
        self.assertEqual(r.json["created"], True)
        r = h.run_raw(["project", "create", "pay", "--data=" + data, "--actor=zoe", "-ojson",
                       "--correlation-id", "CHG-1042"])
        self.assertOk(r)
        self.assertEqual(r.json["project"]["name"], "pay")
        ev = V(data, "audit", "list").json["events"][-1]
        self.assertEqual((ev["actor"], ev["correlationId"]), ("zoe", "CHG-1042"))
        # VOUCH_DATA / VOUCH_ACTOR
        env = h.base_env({"VOUCH_DATA": data, "VOUCH_ACTOR": "yuri"})
        r = h.run_raw(["-o", "json", "project", "create", "env-proj"], env=env)
        self.assertOk(r)
        r = h.run_raw(["project", "create", "flag-proj", "--actor", "xena"], env=env)
        self.assertOk(r)
        ev = V(data, "audit", "list", "--action", "project.create").json["events"]
        self.assertEqual([(x["project"], x["actor"]) for x in ev],
                         [("pay", "zoe"), ("env-proj", "yuri"), ("flag-proj", "xena")])
        # generated correlation ids: present and distinct per invocation
        self.assertRegex(ev[1]["correlationId"], r"^[A-Za-z0-9._:-]{1,128}$")
        self.assertNotEqual(ev[1]["correlationId"], ev[2]["correlationId"])
        # --data beats VOUCH_DATA
        other = os.path.join(work, "other")
        self.assertOk(h.run_raw(["init", "--data", other], env=env))
        r = h.run_raw(["project", "list", "-o", "json", "--data", other], env=env)
        self.assertOk(r)
        self.assertEqual(r.json["projects"], [])
        # correlation id on a promotion: recorded in promotion, status and audit
        d = h.fake_digest("corr")
        self.assertOk(V(data, "artifact", "register", "--project", "pay", "--name", "n",
                        "--kind", "oci-image", "--source-type", "oci", "--source-uri",
                        "registry.example.com/x/n", d))
        pol = h.write_file(os.path.join(work, "open.yaml"),
                           "apiVersion: vouch/v1\nkind: Policy\nbaseline: []\nchannels:\n"
                           "  - {name: dev, require: [], promoters: ['*']}\n")
        self.assertOk(V(data, "policy", "set", "--project", "pay", pol))
        r = h.run_raw(["promote", "--project", "pay", d, "--to", "dev", "--data", data,
                       "--correlation-id", "REL-2026.11:a_b-c", "--output", "json"], env=env)
        self.assertOk(r)
        self.assertEqual(r.json["promotion"]["correlationId"], "REL-2026.11:a_b-c")
        self.assertEqual(r.json["promotion"]["actor"], "yuri")
        ev = V(data, "audit", "list", "--action", "artifact.promote").json["events"]
        self.assertEqual(ev[-1]["correlationId"], "REL-2026.11:a_b-c")
        st = V(data, "status", "--project", "pay").json
        self.assertEqual(st["channels"][0]["environments"][0]["current"]["correlationId"],
                         "REL-2026.11:a_b-c")
        # default data directory: ${XDG_DATA_HOME:-$HOME/.local/share}/vouch
        xdg = os.path.join(work, "xdg")
        env2 = h.base_env({"XDG_DATA_HOME": xdg, "HOME": os.path.join(work, "home")})
        r = h.run_raw(["-o", "json", "init"], env=env2)
        self.assertOk(r)
        self.assertEqual(os.path.realpath(r.json["dataDir"]),
                         os.path.realpath(os.path.join(xdg, "vouch")))
        self.assertTrue(os.path.exists(os.path.join(xdg, "vouch", "vouch.db")))
        env3 = h.base_env({"HOME": os.path.join(work, "home")}, drop=("XDG_DATA_HOME",))
        r = h.run_raw(["-o", "json", "init"], env=env3)
        self.assertOk(r)
        self.assertTrue(os.path.exists(os.path.join(work, "home", ".local", "share", "vouch",
                                                    "vouch.db")), r.describe())
        # help and version
        r = h.run_raw(["--version"])
        self.assertOk(r)
        self.assertRegex(r.out, r"\d+\.\d+")
        r = h.run_raw(["help", "promote"])
        self.assertOk(r)
        self.assertIn("--to CHANNEL", r.out)
        r = h.run_raw(["promote", "--help"])
        self.assertOk(r)
        self.assertIn("--to CHANNEL", r.out)


if __name__ == "__main__":
    h.main()
