"""Shared harness of the end-to-end tests: run the real vouch binary.

Environment (set by ctest): VOUCH_BIN, VOUCH_SOURCE_DIR, VOUCH_TEST_TMP.
Standard library only.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

BIN = os.environ.get("VOUCH_BIN", "vouch")
SOURCE_DIR = os.environ.get("VOUCH_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
TMP_ROOT = os.environ.get("VOUCH_TEST_TMP", tempfile.gettempdir())

ZERO_HASH = "sha256:" + "0" * 64


class Result:
    def __init__(self, rc, out, err):
        self.rc = rc
        self.out = out
        self.err = err
        try:
            self.json = json.loads(out) if out.strip() else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return "rc=%d\nstdout=%s\nstderr=%s" % (self.rc, self.out[-2000:], self.err[-2000:])


def run(args, data=None, actor="tester", output=None, stdin=None, env=None, timeout=120):
    """Run vouch with global flags first; returns a Result."""
    argv = [BIN]
    if data is not None:
        argv += ["--data", data]
    if actor is not None:
        argv += ["--actor", actor]
    if output is not None:
        argv += ["--output", output]
    argv += list(args)
    full_env = dict(os.environ)
    full_env.pop("VOUCH_DATA", None)
    full_env.pop("VOUCH_ACTOR", None)
    if env:
        full_env.update(env)
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=full_env,
                       timeout=timeout)
    return Result(p.returncode, p.stdout, p.stderr)


def sha256_bytes(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write(path, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return path


def db_dump(data_dir):
    """Logical content of the store (WAL included), for 'nothing changed'."""
    uri = "file:%s?mode=ro" % os.path.join(data_dir, "vouch.db")
    con = sqlite3.connect(uri, uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def db_exec(data_dir, sql, params=()):
    con = sqlite3.connect(os.path.join(data_dir, "vouch.db"))
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


class VouchCase(unittest.TestCase):
    """A test case with a fresh work directory and data directory."""

    def setUp(self):
        os.makedirs(TMP_ROOT, exist_ok=True)
        self.work = tempfile.mkdtemp(prefix=self.id().split(".")[-1] + "-", dir=TMP_ROOT)
        self.data = os.path.join(self.work, "data")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def vouch(self, *args, actor="tester", output="json", **kw):
        return run(args, data=self.data, actor=actor, output=output, **kw)

    def ok(self, *args, **kw):
        r = self.vouch(*args, **kw)
        self.assertEqual(r.rc, 0, "vouch %s\n%r" % (" ".join(args), r))
        return r

    def init_project(self, name="pay"):
        self.ok("init")
        self.ok("project", "create", name)

    def artifact_file(self, name, content):
        path = write(os.path.join(self.work, name), content)
        return path, sha256_bytes(content.encode() if isinstance(content, str) else content)

    def register_file(self, name, content, project="pay", kind="binary", actor="ci"):
        path, digest = self.artifact_file(name, content)
        self.ok("artifact", "register", "--project", project, "--name", name, "--kind", kind,
                "--source-type", "file", "--source-uri", path, digest, actor=actor)
        return path, digest

    def set_policy(self, text, project="pay", name="policy.yaml"):
        path = write(os.path.join(self.work, name), text)
        return self.ok("policy", "set", "--project", project, path, actor="admin")


def main():
    """Run the module's tests; print 'N passed, M failed' and exit non-zero on failure."""
    suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules["__main__"])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print("%d passed, %d failed" % (result.testsRun - failed, failed))
    sys.exit(1 if failed else 0)
