"""Shared helpers for the end-to-end tests that drive the real `vouch` binary.

Environment (set by ctest, see tests/CMakeLists.txt):
  VOUCH_BIN         path of the vouch binary
  VOUCH_SOURCE_DIR  repository root
  VOUCH_TEST_TMP    scratch directory (created when missing)

Standard library only.
"""

import hashlib
import http.server
import itertools
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("VOUCH_SOURCE_DIR", os.path.dirname(os.path.dirname(HERE)))
VOUCH_BIN = os.environ.get("VOUCH_BIN", os.path.join(SOURCE_DIR, "build", "vouch"))
TEST_TMP = os.environ.get("VOUCH_TEST_TMP", os.path.join(tempfile.gettempdir(), "vouch-e2e"))

ZERO_HASH = "sha256:" + "0" * 64
DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

# Default time limit of one vouch process (seconds).
RUN_TIMEOUT = 60

_counter = itertools.count()


class Result:
    """Outcome of one vouch run; unpacks as (rc, stdout, stderr, json)."""

    def __init__(self, argv, rc, out, err):
        self.argv = argv
        self.rc = rc
        self.out = out
        self.err = err
        self.json = None
        text = out.strip()
        if text:
            try:
                self.json = json.loads(text)
            except ValueError:
                self.json = None

    def __iter__(self):
        return iter((self.rc, self.out, self.err, self.json))

    def describe(self):
        return "argv=%r\nrc=%r\nstdout=%s\nstderr=%s" % (
            self.argv, self.rc, self.out[:4000], self.err[:4000])


def base_env(extra=None, drop=()):
    env = dict(os.environ)
    for k in ("VOUCH_DATA", "VOUCH_ACTOR") + tuple(drop):
        env.pop(k, None)
    # Keep sanitizer reports loud: any leak or error fails the process.
    env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
    if extra:
        env.update(extra)
    return env


def run_raw(argv, stdin=None, env=None, timeout=RUN_TIMEOUT, cwd=None):
    """Run VOUCH_BIN with exactly argv. stdin: str/bytes or None."""
    if isinstance(stdin, str):
        stdin = stdin.encode()
    p = subprocess.run([VOUCH_BIN] + list(argv), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env if env is not None else base_env(),
                       timeout=timeout, cwd=cwd)
    return Result(list(argv), p.returncode,
                  p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"))


def vouch(data, *args, actor="alice", output="json", stdin=None, env=None,
          correlation_id=None, timeout=RUN_TIMEOUT, cwd=None):
    """Run `vouch --data DATA --actor ACTOR -o OUTPUT ARGS...`.

    data=None / actor=None / output=None leave the flag out."""
    argv = []
    if data is not None:
        argv += ["--data", data]
    if actor is not None:
        argv += ["--actor", actor]
    if output is not None:
        argv += ["-o", output]
    if correlation_id is not None:
        argv += ["--correlation-id", correlation_id]
    argv += [str(a) for a in args]
    return run_raw(argv, stdin=stdin, env=env, timeout=timeout, cwd=cwd)


def fresh_dir(prefix="t"):
    """A new, empty directory under VOUCH_TEST_TMP."""
    os.makedirs(TEST_TMP, exist_ok=True)
    return tempfile.mkdtemp(prefix="%s-%d-%d-" % (prefix, os.getpid(), next(_counter)),
                            dir=TEST_TMP)


def fresh_data(prefix="data", init=True):
    """A work dir and a data dir inside it (initialized unless init=False)."""
    work = fresh_dir(prefix)
    data = os.path.join(work, "vouch-data")
    if init:
        r = vouch(data, "init")
        if r.rc != 0:
            raise AssertionError("vouch init failed:\n" + r.describe())
    return work, data


def db_path(data):
    return os.path.join(data, "vouch.db")


def db_dump(data):
    """Logical content of DATA/vouch.db (iterdump over a read-only connection)."""
    path = os.path.abspath(db_path(data))
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def db_query(data, sql, params=()):
    path = os.path.abspath(db_path(data))
    con = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def db_write(data, sql, params=()):
    """Tamper with the store directly (for tests of audit verify)."""
    con = sqlite3.connect(db_path(data))
    try:
        cur = con.execute(sql, params)
        con.commit()
        return cur.rowcount
    finally:
        con.close()


def write_file(path, content):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogateescape")  # \udcXX -> raw byte
    with open(path, "wb") as f:
        f.write(content)
    return path


def sha256_bytes(b):
    if isinstance(b, str):
        b = b.encode()
    return "sha256:" + hashlib.sha256(b).hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def fake_digest(seed):
    """A well-formed digest that names no real content."""
    return sha256_bytes("fake-%s" % (seed,))


def canonical_hash(event):
    """sha256 of the canonical JSON of an audit event without its hash."""
    ev = {k: v for k, v in event.items() if k != "hash"}
    text = json.dumps(ev, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def jsonl(lines):
    return "".join(json.dumps(o) + "\n" for o in lines)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class HttpServer:
    """Serve a directory on 127.0.0.1:<ephemeral> in a thread."""

    def __init__(self, directory):
        handler = lambda *a, **kw: QuietHandler(*a, directory=directory, **kw)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return "http://127.0.0.1:%d/%s" % (self.port, path.lstrip("/"))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class VouchTestCase(unittest.TestCase):
    maxDiff = 4000

    def assertRc(self, r, rc, msg=None):
        if r.rc != rc:
            self.fail("%sexpected exit %d, got %d\n%s" % (
                (msg + ": ") if msg else "", rc, r.rc, r.describe()))

    def assertOk(self, r, msg=None):
        self.assertRc(r, 0, msg)
        return r.json

    def assertNoSanitizerReport(self, r):
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            self.assertNotIn(marker, r.err, r.describe())

    def assertErrorJson(self, r, code=None, rule=None):
        """-o json errors: {"error":{"code","message","details"}} on stdout."""
        j = r.json
        self.assertIsInstance(j, dict, "no JSON error body on stdout\n" + r.describe())
        self.assertIn("error", j, r.describe())
        e = j["error"]
        for k in ("code", "message", "details"):
            self.assertIn(k, e, r.describe())
        if code is not None:
            self.assertEqual(e["code"], code, r.describe())
        if rule is not None:
            self.assertIsInstance(e["details"], dict, r.describe())
            self.assertEqual(e["details"].get("rule"), rule, r.describe())
        return e


def main():
    """Run the unittest cases of __main__; print `N passed, M failed`."""
    if not os.path.exists(VOUCH_BIN):
        print("VOUCH_BIN %r does not exist" % VOUCH_BIN, file=sys.stderr)
        print("0 passed, 1 failed")
        sys.exit(1)
    os.makedirs(TEST_TMP, exist_ok=True)
    loader = unittest.TestLoader()
    suite = loader.loadTestsFromModule(sys.modules["__main__"])
    if len(sys.argv) > 1:
        suite = unittest.TestSuite(
            t for t in _flatten(suite) if any(a in t.id() for a in sys.argv[1:]))
    start = time.time()
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stdout)
    res = runner.run(suite)
    # a test with failing subtests counts once
    bad = {getattr(t, "test_case", t).id() for t, _ in res.failures + res.errors}
    bad |= {t.id() for t in res.unexpectedSuccesses}
    failed = len(bad)
    passed = res.testsRun - failed - len(res.skipped)
    print("(%.1f s)" % (time.time() - start))
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed or res.testsRun == 0 else 0)


def _flatten(suite):
    for t in suite:
        if isinstance(t, unittest.TestSuite):
            yield from _flatten(t)
        else:
            yield t
