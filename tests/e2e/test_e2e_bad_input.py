"""A table of bad inputs: each gets a clear message and its documented exit
code, and the database is unchanged afterwards (compared as a full dump)."""
import json
import os
import re
import unittest

from vouch_e2e import VouchCase, db_dump, main, run, sha256_bytes, write

Z = "0" * 64
GOOD = "sha256:" + Z

POLICY_HEAD = "apiVersion: vouch/v1\nkind: Policy\n"

# Files the rows refer to by {name}; written once per test run.
FILES = {
    "bad_yaml": POLICY_HEAD + "channels:\n  - {name: dev,\n",
    "bad_json": '{"apiVersion": "vouch/v1", "kind": "Policy", "channels": [}',
    "unknown_field": POLICY_HEAD + "colour: blue\nchannels:\n  - {name: dev}\n",
    "unknown_check": POLICY_HEAD + "channels:\n  - {name: dev, require: [sbomm]}\n",
    "from_cycle": POLICY_HEAD + "channels:\n  - {name: a, from: b}\n  - {name: b, from: a}\n",
    "self_from": POLICY_HEAD + "channels:\n  - {name: a, from: a}\n",
    "unknown_from": POLICY_HEAD + "channels:\n  - {name: a, from: nowhere}\n",
    "dup_channel": POLICY_HEAD + "channels:\n  - {name: a}\n  - {name: a}\n",
    "no_group": POLICY_HEAD + "channels:\n  - {name: a, promoters: ['@ghosts']}\n",
    "bad_api": "apiVersion: vouch/v2\nkind: Policy\nchannels:\n  - {name: a}\n",
    "no_channels": POLICY_HEAD + "channels: []\n",
    "alias": POLICY_HEAD + "x: &a [1]\nchannels:\n  - {name: a, require: *a}\n",
    "bad_env": POLICY_HEAD + "channels:\n  - {name: a, environments: ['eu 1']}\n",
    "huge": POLICY_HEAD + "# " + "x" * (1024 * 1024 + 10) + "\nchannels:\n  - {name: a}\n",
    "bad_line": '{"name":"a","kind":"binary","sourceType":"file","sourceUri":"/a","digest":"%s"}\n'
                '{"name": "b", oops}\n' % GOOD,
    "bad_digest_line": "".join(
        '{"name":"n%d","kind":"binary","sourceType":"file","sourceUri":"/n%d","digest":"%s"}\n'
        % (i, i, sha256_bytes(b"n%d" % i)) for i in range(5))
        + '{"name":"z","kind":"binary","sourceType":"file","sourceUri":"/z","digest":"sha256:zz"}\n',
}

# (argv, expected exit code, regex on stderr). {f:name} is a file of FILES,
# {good} a registered digest, {dep}/{ret}/{rev}/{failed}/{staged}/{missing}/{dir}
# artifacts prepared in states by setUp.
ROWS = [
    # digests
    (["artifact", "show", "--project", "pay", "sha256:" + "A" * 64], 2, r"malformed digest"),
    (["artifact", "show", "--project", "pay", "SHA256:" + Z], 2, r"malformed digest"),
    (["artifact", "show", "--project", "pay", "sha256:" + Z[:63]], 2, r"64 hex digits"),
    (["artifact", "show", "--project", "pay", "sha256:" + Z + "0"], 2, r"64 hex digits"),
    (["artifact", "show", "--project", "pay", "md5:" + Z[:32]], 2, r"unsupported digest algorithm"),
    (["artifact", "show", "--project", "pay", " sha256:" + Z], 2, r"whitespace|malformed"),
    (["artifact", "show", "--project", "pay", "sha256"], 2, r"malformed digest"),
    (["artifact", "show", "--project", "pay", "sha512:" + Z], 2, r"128 hex digits"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "file", "--source-uri", "/x", "sha256:xyz"], 2, r"malformed digest"),
    # policies
    (["policy", "set", "--project", "pay", "{f:bad_yaml}"], 2, r"line \d+, column \d+"),
    (["policy", "set", "--project", "pay", "{f:bad_json}"], 2, r"line 1, column \d+"),
    (["policy", "set", "--project", "pay", "{f:unknown_field}"], 2, r"unknown field 'colour'"),
    (["policy", "set", "--project", "pay", "{f:unknown_check}"], 2, r"unknown check 'sbomm'"),
    (["policy", "set", "--project", "pay", "{f:from_cycle}"], 2, r"from cycle: a -> b -> a"),
    (["policy", "set", "--project", "pay", "{f:self_from}"], 2, r"from"),
    (["policy", "set", "--project", "pay", "{f:unknown_from}"], 2, r"nowhere"),
    (["policy", "set", "--project", "pay", "{f:dup_channel}"], 2, r"(?i)duplicate|twice"),
    (["policy", "set", "--project", "pay", "{f:no_group}"], 2, r"ghosts"),
    (["policy", "set", "--project", "pay", "{f:bad_api}"], 2, r"apiVersion"),
    (["policy", "set", "--project", "pay", "{f:no_channels}"], 2, r"channels"),
    (["policy", "set", "--project", "pay", "{f:alias}"], 2, r"(?i)alias|anchor"),
    (["policy", "set", "--project", "pay", "{f:bad_env}"], 2, r"eu 1"),
    (["policy", "set", "--project", "pay", "{f:huge}"], 2, r"(?i)larger|too large|limit|MiB"),
    (["policy", "set", "--project", "pay", "/no/such/policy.yaml"], 3, r"(?i)no such file|cannot read"),
    (["policy", "set", "--project", "nope", "{f:unknown_check}"], 3, r"no project 'nope'"),
    # registration
    (["artifact", "register", "--project", "pay", "--name", "good", "--kind", "archive",
      "--source-type", "file", "--source-uri", "/other/path", "{good}"], 4, r"another"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "Bad Kind",
      "--source-type", "file", "--source-uri", "/x", GOOD], 2, r"kind"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "ftp", "--source-uri", "/x", GOOD], 2, r"source type"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "file", "--source-uri", "relative/x", GOOD], 2, r"absolute path"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "http", "--source-uri", "ftp://h/x", GOOD], 2, r"http://"),
    # locations that would slip past an allowlist: dot segments, encoded or not
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "file", "--source-uri", "/srv/builds/../secret/x", GOOD], 2,
     r"'\.\.' path segments"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "file", "--source-uri", "file:///srv/builds/%2e%2e%2fsecret", GOOD], 2,
     r"path segments"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "http", "--source-uri", "http://h/builds/%2E%2E/x", GOOD], 2,
     r"path segments"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "oci", "--source-uri", "registry.example.com/payments/../x", GOOD], 2,
     r"path segments"),
    (["artifact", "register", "--project", "nope", "--name", "x", "--kind", "binary",
      "--source-type", "file", "--source-uri", "/x", GOOD], 3, r"no project 'nope'"),
    (["artifact", "register", "--project", "pay", "--from-file", "{f:bad_line}"], 2,
     r"bad_line:2:"),
    (["artifact", "register", "--project", "pay", "--from-file", "{f:bad_digest_line}"], 2,
     r"bad_digest_line:6: .*malformed digest"),
    (["artifact", "register", "--project", "pay", "--name", "x", "--kind", "binary",
      "--source-type", "file", "--source-uri", "/x"], 2, r"DIGEST|digest"),
    # verification
    (["artifact", "verify", "--project", "pay", "{missing}"], 3, r"no such file"),
    (["artifact", "verify", "--project", "pay", "{dir}"], 1, r"directory"),
    (["artifact", "verify", "--project", "pay", "{rev}"], 1, r"revoked"),
    (["artifact", "verify", "--project", "pay", "sha256:" + "1" * 64], 3, r"no artifact"),
    # promotion
    (["promote", "--project", "pay", "{good}", "--to", "test"], 1, r"not in 'dev'"),
    (["promote", "--project", "pay", "{dep}", "--to", "dev"], 1, r"deprecated"),
    (["promote", "--project", "pay", "{ret}", "--to", "dev"], 1, r"retired"),
    (["promote", "--project", "pay", "{rev}", "--to", "dev"], 1, r"revoked"),
    (["promote", "--project", "pay", "{failed}", "--to", "dev"], 1, r"failed_verification"),
    (["promote", "--project", "pay", "{staged}", "--to", "prod", "--env", "eu-1"], 1,
     r"not among the promoters"),
    (["promote", "--project", "pay", "{staged}", "--to", "prod", "--env", "mars"], 1,
     r"not one of channel 'prod'"),
    (["promote", "--project", "pay", "{good}", "--to", "dev", "--env", "eu-1"], 1,
     r"has no environments"),
    (["promote", "--project", "pay", "{good}", "--to", "nope"], 3, r"no channel 'nope'"),
    (["promote", "--project", "pay", "{good}"], 2, r"--to"),
    # transitions
    (["artifact", "deprecate", "--project", "pay", "{ret}"], 4, r"retired"),
    (["artifact", "revoke", "--project", "pay", "{rev}"], 4, r"already revoked"),
    (["artifact", "retire", "--project", "pay", "{ret}"], 4, r"already retired"),
    # digest
    (["digest", "--algorithm", "md5", "/etc/hostname"], 2, r"unknown algorithm 'md5'"),
    (["digest", "/no/such/file"], 3, r"no such file"),
    (["digest", "a", "b"], 2, r"(?i)unexpected|extra|too many"),
    # audit, names, usage
    (["audit", "list", "--since", "yesterday"], 2, r"invalid time"),
    (["audit", "list", "--action", "artifact.explode"], 2, r"unknown audit action"),
    (["project", "create", "bad/name"], 2, r"(?i)name|character"),
    (["project", "create", "-leading-dash"], 2, r"(?i)name|option"),
    (["--actor", "bad actor", "project", "create", "q"], 2, r"actor"),
    (["--correlation-id", "bad id!", "project", "create", "q"], 2, r"correlation id"),
    (["explode"], 2, r"unknown command"),
    (["project", "create", "--frobnicate", "q"], 2, r"unknown option"),
    (["project", "create", "a", "b"], 2, r"(?i)unexpected|extra|too many"),
    (["--output", "xml", "project", "list"], 2, r"output"),
    (["status", "--project", "pay", "--channel", "nope"], 3, r"no channel 'nope'"),
    (["artifact", "list", "--project", "pay", "--trust", "sorta"], 2, r"trust"),
    (["history", "--project", "pay", "sha256:" + "2" * 64], 3, r"no artifact"),
]

POLICY = """apiVersion: vouch/v1
kind: Policy
baseline: [digest]
groups:
  rm: [alice]
channels:
  - {name: dev,     require: [digest], promoters: ["*"]}
  - {name: test,    from: dev,  require: [digest], promoters: ["*"]}
  - {name: staging, from: test, require: [digest], promoters: ["*"]}
  - {name: prod,    from: staging, promoters: ["@rm"], environments: [eu-1, us-1]}
"""


class BadInput(VouchCase):
    def setUp(self):
        super().setUp()
        self.init_project()
        self.set_policy(POLICY)
        self.subs = {}
        for name, text in FILES.items():
            self.subs["f:" + name] = write(os.path.join(self.work, name), text)
        _, self.subs["good"] = self.register_file("good", "good bytes")
        self.ok("artifact", "verify", "--project", "pay", self.subs["good"])
        for name in ("dep", "ret", "rev"):
            _, d = self.register_file(name, name + " bytes")
            self.ok("artifact", "verify", "--project", "pay", d)
            self.subs[name] = d
        self.ok("artifact", "deprecate", "--project", "pay", self.subs["dep"])
        self.ok("artifact", "retire", "--project", "pay", self.subs["ret"])
        self.ok("artifact", "revoke", "--project", "pay", self.subs["rev"])
        path, self.subs["failed"] = self.register_file("failed", "original")
        write(path, "tampered")
        self.assertEqual(self.vouch("artifact", "verify", "--project", "pay",
                                    self.subs["failed"]).rc, 1)
        path, self.subs["missing"] = self.register_file("missing", "gone soon")
        os.remove(path)
        dpath = os.path.join(self.work, "adir")
        os.mkdir(dpath)
        self.subs["dir"] = sha256_bytes(b"dir")
        self.ok("artifact", "register", "--project", "pay", "--name", "dir", "--kind", "binary",
                "--source-type", "file", "--source-uri", dpath, self.subs["dir"])
        _, self.subs["staged"] = self.register_file("staged", "staged bytes")
        self.ok("artifact", "verify", "--project", "pay", self.subs["staged"])
        for ch in ("dev", "test", "staging"):
            self.ok("promote", "--project", "pay", self.subs["staged"], "--to", ch)

    def expand(self, argv):
        out = []
        for a in argv:
            for key, val in self.subs.items():
                a = a.replace("{" + key + "}", val)
            out.append(a)
        return out

    def test_bad_inputs_change_nothing(self):
        self.assertGreaterEqual(len(ROWS), 40)
        before = db_dump(self.data)
        for argv, code, pattern in ROWS:
            args = self.expand(argv)
            with self.subTest(argv=" ".join(args)[:120]):
                r = run(["--data", self.data, "--actor", "bob"] + args)
                self.assertEqual(r.rc, code, r)
                self.assertRegex(r.err, pattern)
                self.assertTrue(r.err.startswith("vouch: "), r.err)
                self.assertEqual(db_dump(self.data), before, "database changed")
        self.ok("audit", "verify")

    def test_json_errors_carry_code_and_rule(self):
        r = self.vouch("promote", "--project", "pay", self.subs["good"], "--to", "test")
        self.assertEqual(r.rc, 1)
        err = r.json["error"]
        self.assertEqual((err["code"], err["details"]["rule"]), ("denied", "from"))
        r = self.vouch("project", "show", "nope")
        self.assertEqual((r.rc, r.json["error"]["code"]), (3, "not_found"))

    def test_commands_before_init(self):
        fresh = os.path.join(self.work, "fresh")
        for args in (["project", "list"], ["audit", "verify"], ["status", "--project", "p"]):
            r = run(["--data", fresh] + args)
            self.assertEqual(r.rc, 3, r)
            self.assertIn("vouch init", r.err)
            self.assertFalse(os.path.exists(fresh))


if __name__ == "__main__":
    main()
