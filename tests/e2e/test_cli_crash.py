"""Durability: SIGKILL `vouch` at random moments during a loop of mutations
(register / verify / promote / deprecate, each a separate process) and during
a 5,000-line `--from-file` batch, then check that

  * every acknowledged mutation (exit 0 with its JSON response) is there,
    with its audit event (found by its unique correlation id);
  * a killed mutation happened entirely or not at all;
  * the batch registered all of its artifacts or none;
  * `vouch audit verify` (chain + replay against the tables) exits 0.

The RNG seed is printed; rerun with VOUCH_CRASH_SEED=<seed> to reproduce.
"""

import os
import random
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402

CHANNELS = ["dev", "test", "staging", "prod"]
MUTATIONS = int(os.environ.get("VOUCH_CRASH_MUTATIONS", "150"))
TIME_BUDGET = float(os.environ.get("VOUCH_CRASH_BUDGET", "35"))   # seconds for the loop
BATCH = 5000


def seed():
    s = os.environ.get("VOUCH_CRASH_SEED")
    return int(s) if s else random.randrange(1 << 31)


class Killable:
    """Run one vouch process; a timer thread SIGKILLs it after `kill_after` s."""

    def __init__(self, argv, kill_after=None, stdin=None):
        self.argv = argv
        t0 = time.monotonic()
        p = subprocess.Popen([h.VOUCH_BIN] + argv, stdin=subprocess.PIPE if stdin else None,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=h.base_env())
        timer = None
        if kill_after is not None:
            def kill():
                try:
                    p.send_signal(signal.SIGKILL)
                except (ProcessLookupError, OSError):
                    pass
            timer = threading.Timer(kill_after, kill)
            timer.start()
        out, err = p.communicate(stdin, timeout=120)
        if timer:
            timer.cancel()
        self.elapsed = time.monotonic() - t0
        self.rc = p.returncode
        self.killed = self.rc == -signal.SIGKILL
        self.result = h.Result(argv, self.rc, out.decode("utf-8", "replace"),
                               err.decode("utf-8", "replace"))


class Crash(h.VouchTestCase):

    def setUp(self):
        self.seed = seed()
        print("\n[crash] seed=%d (VOUCH_CRASH_SEED to reproduce)" % self.seed, flush=True)
        self.rng = random.Random(self.seed)
        self.work, self.data = h.fresh_data("crash")
        self.assertOk(h.vouch(self.data, "project", "create", "c"))

    def v(self, *a, **kw):
        r = h.vouch(self.data, *a, **kw)
        self.assertNoSanitizerReport(r)
        return r

    def show(self, digest):
        r = self.v("artifact", "show", "--project", "c", digest)
        if r.rc == 3:
            return None
        self.assertOk(r)
        return r.json["artifact"]

    def test_sigkill_during_mutations(self):
        rng = self.rng
        # model: what we *know* (acknowledged) and what we *observe* (for choosing ops)
        arts = {}          # digest -> {"path","name","registered","verified","channels":set,"dep"}
        acked = []         # (cid, op, digest, channel, changed)
        killed_ops = []    # (cid, op, digest, channel)
        durations = [0.02]
        deadline = time.monotonic() + TIME_BUDGET
        n = 0
        kills = 0
        while n < MUTATIONS and time.monotonic() < deadline:
            n += 1
            cid = "m-%d-%d" % (self.seed, n)
            registered = [d for d, a in arts.items() if a["registered"]]
            choices = ["register"] * 4
            if registered:
                choices += ["verify"] * 3 + ["promote"] * 5 + ["deprecate"]
            op = rng.choice(choices)
            channel = None
            if op == "register":
                i = len(arts)
                name = "art-%d" % i
                content = ("artifact %d seed %d\n" % (i, self.seed)).encode() * (1 + i % 7)
                path = h.write_file(os.path.join(self.work, "builds", name), content)
                d = h.sha256_bytes(content)
                arts[d] = {"path": path, "name": name, "registered": False, "verified": False,
                           "channels": set(), "dep": False}
                args = ["artifact", "register", "--project", "c", "--name", name, "--kind",
                        "binary", "--source-type", "file", "--source-uri", path, d]
            else:
                d = rng.choice(registered)
                a = arts[d]
                if op == "verify":
                    args = ["artifact", "verify", "--project", "c", d]
                elif op == "promote":
                    if a["dep"] or not a["verified"]:
                        op = "verify" if not a["dep"] else "deprecate"
                    if op == "promote":
                        nxt = len([c for c in CHANNELS if c in a["channels"]])
                        # sometimes re-promote into the highest channel (idempotent)
                        if nxt == len(CHANNELS) or (nxt and rng.random() < 0.1):
                            nxt -= 1
                        channel = CHANNELS[nxt]
                        args = ["promote", "--project", "c", d, "--to", channel]
                    elif op == "verify":
                        args = ["artifact", "verify", "--project", "c", d]
                if op == "deprecate":
                    if a["dep"]:
                        op = "verify"
                        args = ["artifact", "verify", "--project", "c", d]
                    else:
                        args = ["artifact", "deprecate", "--project", "c", d, "--reason",
                                "crash test"]
            argv = ["--data", self.data, "--actor", "ci", "-o", "json",
                    "--correlation-id", cid] + args
            kill_after = None
            if rng.random() < 0.45:
                med = sorted(durations)[len(durations) // 2]
                kill_after = rng.uniform(0, med * 1.3)
            k = Killable(argv, kill_after)
            r = k.result
            self.assertNoSanitizerReport(r)
            if k.killed:
                kills += 1
                killed_ops.append((cid, op, d, channel))
                # observe what actually happened so the next ops make sense
                a = self.show(d)
                st = arts[d]
                if a is None:
                    self.assertEqual(op, "register", "artifact vanished after a killed " + op)
                    continue
                st["registered"] = True
                st["verified"] = a["trust"] == "verified"
                st["dep"] = a["lifecycle"] == "deprecated"
                st["channels"] = {c["channel"] for c in a["channels"]}
                continue
            durations.append(k.elapsed)
            if r.rc != 0:
                self.fail("unkilled mutation #%d (%s) failed\n%s" % (n, op, r.describe()))
            self.assertIsInstance(r.json, dict, r.describe())
            st = arts[d]
            changed = True
            if op == "register":
                st["registered"] = True
                changed = r.json["created"]
            elif op == "verify":
                self.assertEqual(r.json["trust"], "verified", r.describe())
                st["verified"] = True
            elif op == "promote":
                self.assertEqual(r.json["promotion"]["channel"], channel)
                st["channels"].add(channel)
                changed = r.json["changed"]
            elif op == "deprecate":
                self.assertEqual(r.json["artifact"]["lifecycle"], "deprecated")
                st["dep"] = True
            acked.append((cid, op, d, channel, changed))
        print("[crash] %d mutations, %d killed, %d acknowledged, median %.1f ms" % (
            n, kills, len(acked), 1000 * sorted(durations)[len(durations) // 2]), flush=True)
        self.assertGreater(kills, 5, "too few kills landed; the test proves little")

        # ---- the store after the storm --------------------------------
        r = self.v("audit", "verify")
        self.assertOk(r, "audit verify after SIGKILLs")
        self.assertTrue(r.json["ok"])
        events = self.v("audit", "list").json["events"]
        self.assertEqual(len(events), r.json["events"])
        by_cid = {}
        for ev in events:
            by_cid.setdefault(ev["correlationId"], []).append(ev)
        action = {"register": "artifact.register", "verify": "artifact.verify",
                  "promote": "artifact.promote", "deprecate": "artifact.deprecate"}
        listed = {a["digest"]: a for a in
                  self.v("artifact", "list", "--project", "c").json["artifacts"]}
        for cid, op, d, channel, changed in acked:
            self.assertIn(d, listed, "acknowledged %s of %s lost" % (op, d))
            evs = by_cid.get(cid, [])
            if changed or op in ("verify", "deprecate"):
                self.assertEqual(len(evs), 1, "acknowledged %s (%s) has %d audit events" %
                                 (op, cid, len(evs)))
                ev = evs[0]
                self.assertEqual((ev["action"], ev["digest"]), (action[op], d))
                if op == "promote":
                    self.assertEqual(ev["target"]["channel"], channel)
            else:
                self.assertEqual(evs, [], "an unchanged %s was audited" % op)
        final = {d: self.show(d) for d in listed}
        for cid, op, d, channel, changed in acked:
            a = final[d]
            if op == "register":
                self.assertEqual((a["name"], a["sourceUri"], a["kind"]),
                                 (arts[d]["name"], arts[d]["path"], "binary"))
            elif op == "verify":
                self.assertEqual(a["trust"], "verified")
                self.assertEqual(a["checks"][0]["result"], "pass")
            elif op == "promote":
                self.assertIn(channel, {c["channel"] for c in a["channels"]})
                self.assertNotEqual(a["lifecycle"], "published")
            elif op == "deprecate":
                self.assertEqual(a["lifecycle"], "deprecated")
        # killed mutations: all or nothing
        committed = sum(1 for k in killed_ops if by_cid.get(k[0]))
        print("[crash] %d of %d killed mutations had committed" % (committed, len(killed_ops)),
              flush=True)
        for cid, op, d, channel in killed_ops:
            evs = by_cid.get(cid, [])
            self.assertLessEqual(len(evs), 1)
            a = final.get(d)
            if op == "register":
                self.assertEqual(bool(evs), a is not None,
                                 "killed register %s: event and row disagree" % cid)
            elif evs and op == "promote":
                self.assertIn(channel, {c["channel"] for c in a["channels"]})
            elif evs and op == "deprecate":
                self.assertEqual(a["lifecycle"], "deprecated")
            elif evs and op == "verify":
                self.assertEqual(evs[0]["details"]["checks"]["digest"], "pass")
        # status agrees with the artifacts' own view
        st = self.v("status", "--project", "c").json
        for ch in st["channels"]:
            for env in ch["environments"]:
                cur = env["current"]
                if cur is None:
                    continue
                mine = [c for c in final[cur["digest"]]["channels"]
                        if c["channel"] == ch["channel"]]
                self.assertEqual(len(mine), 1)
                self.assertIs(mine[0]["current"], True)
        # every artifact's promotions are in channel order, no gaps
        for d, a in final.items():
            chans = {c["channel"] for c in a["channels"]}
            k = len(chans)
            self.assertEqual(chans, set(CHANNELS[:k]), "promotion gap for %s" % d)
            self.assertEqual(a["lifecycle"] != "published" or k == 0, True)

    def test_sigkill_during_policy_rederive(self):
        """A policy change re-derives many trust states in one transaction:
        after a SIGKILL it is all there (policy pinned, every trust flipped,
        every event written) or none of it."""
        rng = self.rng
        n_art = 40
        lines = []
        for i in range(n_art):
            sub = "even" if i % 2 == 0 else "odd"
            content = "rederive %d seed %d\n" % (i, self.seed)
            path = h.write_file(os.path.join(self.work, "builds", sub, "a%d" % i), content)
            lines.append({"name": "a%d" % i, "kind": "binary", "sourceType": "file",
                          "sourceUri": path, "digest": h.sha256_bytes(content)})
        odd = {ln["digest"] for i, ln in enumerate(lines) if i % 2}
        pol_a = h.write_file(os.path.join(self.work, "a.yaml"), (
            "apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest]\n"
            "sources:\n  - {type: file, match: \"%s/builds/**\"}\n"
            "channels:\n  - {name: dev, require: [digest], promoters: ['*']}\n") % self.work)
        pol_b = h.write_file(os.path.join(self.work, "b.yaml"), (
            "apiVersion: vouch/v1\nkind: Policy\nbaseline: [digest, source]\n"
            "sources:\n  - {type: file, match: \"%s/builds/even/**\"}\n"
            "channels:\n  - {name: dev, require: [digest], promoters: ['*']}\n") % self.work)
        digest_of = {}
        for name, path in (("a", pol_a), ("b", pol_b)):
            r = self.v("policy", "verify", path)
            self.assertOk(r)
            digest_of[name] = r.json["policyDigest"]
        self.assertOk(self.v("policy", "set", "--project", "c", pol_a))
        self.assertOk(self.v("artifact", "register", "--project", "c", "--from-file", "-",
                             stdin=h.jsonl(lines)))
        for ln in lines:
            self.assertOk(self.v("artifact", "verify", "--project", "c", ln["digest"]))

        def state():
            pinned = self.v("project", "show", "c").json["project"]["policyDigest"]
            trust = {a["digest"]: a["trust"] for a in
                     self.v("artifact", "list", "--project", "c").json["artifacts"]}
            return pinned, trust

        def check_consistent(pinned):
            self.assertIn(pinned, digest_of.values())
            strict = pinned == digest_of["b"]
            _, trust = state()
            for d, t in trust.items():
                want = "failed_verification" if strict and d in odd else "verified"
                self.assertEqual(t, want, "trust of %s under policy %s" % (d, pinned))

        durations = [0.02]
        current = "a"
        kills = committed = 0
        for n in range(30):
            target = "b" if current == "a" else "a"
            cid = "pol-%d-%d" % (self.seed, n)
            kill_after = None
            if rng.random() < 0.6:
                med = sorted(durations)[len(durations) // 2]
                kill_after = rng.uniform(0, med * 0.9)
            k = Killable(["--data", self.data, "--actor", "ci", "-o", "json",
                          "--correlation-id", cid, "policy", "set", "--project", "c",
                          pol_a if target == "a" else pol_b], kill_after)
            self.assertNoSanitizerReport(k.result)
            pinned, _ = state()
            evs = [e for e in self.v("audit", "list", "--project", "c").json["events"]
                   if e["correlationId"] == cid]
            if k.killed:
                kills += 1
                if pinned == digest_of[target]:
                    committed += 1
                    self.assertEqual([e["action"] for e in evs],
                                     ["policy.set"] + ["artifact.verify"] * len(odd),
                                     "killed policy set committed partially")
                else:
                    self.assertEqual(pinned, digest_of[current])
                    self.assertEqual(evs, [], "killed, uncommitted policy set left events")
            else:
                durations.append(k.elapsed)
                self.assertOk(k.result)
                self.assertEqual(k.result.json["policyDigest"], digest_of[target])
                self.assertEqual({x["digest"] for x in k.result.json["rederived"]}, odd)
                self.assertEqual(pinned, digest_of[target])
                self.assertEqual([e["action"] for e in evs],
                                 ["policy.set"] + ["artifact.verify"] * len(odd))
                for e in evs[1:]:
                    self.assertEqual(e["details"]["cause"], "policy.set")
            check_consistent(pinned)
            current = "a" if pinned == digest_of["a"] else "b"
        print("[crash] policy toggles: %d killed, %d of them committed" % (kills, committed),
              flush=True)
        # how many kills land mid-run depends on this machine's timing; one is
        # enough for the test to mean something
        self.assertGreater(kills, 0)
        self.assertOk(self.v("audit", "verify"))

    def test_concurrent_writers(self):
        """Parallel processes: every one acknowledged, none lost (busy store)."""
        procs = []
        digests = []
        for i in range(24):
            d = h.fake_digest("par-%d-%d" % (self.seed, i))
            digests.append(d)
            argv = [h.VOUCH_BIN, "--data", self.data, "--actor", "ci", "-o", "json",
                    "--correlation-id", "par-%d" % i, "artifact", "register", "--project", "c",
                    "--name", "par-%d" % i, "--kind", "oci-image", "--source-type", "oci",
                    "--source-uri", "registry.example.com/par/%d" % i, d]
            procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          env=h.base_env()))
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err.decode())
        listed = {a["digest"] for a in
                  self.v("artifact", "list", "--project", "c").json["artifacts"]}
        self.assertEqual(listed, set(digests))
        r = self.v("audit", "verify")
        self.assertOk(r)
        self.assertEqual(r.json["events"], 1 + len(digests))

    def test_sigkill_during_bulk_register(self):
        rng = self.rng

        def batch_file(tag):
            lines = [{"name": "b%s-%d" % (tag, i), "kind": "oci-image", "sourceType": "oci",
                      "sourceUri": "registry.example.com/bulk/b%s-%d" % (tag, i),
                      "digest": h.fake_digest("%s-%d-%d" % (tag, self.seed, i))}
                     for i in range(BATCH)]
            path = h.write_file(os.path.join(self.work, "batch-%s.jsonl" % tag), h.jsonl(lines))
            return path, {ln["digest"] for ln in lines}

        def argv(path):
            return ["--data", self.data, "--actor", "ci", "-o", "json",
                    "artifact", "register", "--project", "c", "--from-file", path]

        # calibrate on a batch that is allowed to finish
        path, digests = batch_file("cal")
        k = Killable(argv(path))
        self.assertOk(k.result)
        self.assertEqual((k.result.json["count"], k.result.json["created"]), (BATCH, BATCH))
        total = k.elapsed
        print("[crash] a %d-line batch takes %.0f ms" % (BATCH, total * 1000), flush=True)
        expected = set(digests)
        outcomes = []
        for rnd in range(5):
            path, digests = batch_file("r%d" % rnd)
            k = Killable(argv(path), kill_after=rng.uniform(0.05, 1.25) * total)
            self.assertNoSanitizerReport(k.result)
            listed = {a["digest"] for a in
                      self.v("artifact", "list", "--project", "c").json["artifacts"]}
            present = len(digests & listed)
            outcomes.append((k.killed, present))
            if k.killed:
                self.assertIn(present, (0, BATCH), "batch half-registered after SIGKILL")
            else:
                self.assertOk(k.result)
                self.assertEqual(present, BATCH)
            if present:
                expected |= digests
            self.assertEqual(listed, expected, "artifacts outside the batches appeared/vanished")
            r = self.v("audit", "verify")
            self.assertOk(r, "audit verify after a killed batch")
            # the batch again, unkilled: completes the set whatever happened
            k2 = Killable(argv(path))
            self.assertOk(k2.result)
            self.assertEqual(k2.result.json["count"], BATCH)
            self.assertEqual(k2.result.json["created"], 0 if present else BATCH)
            self.assertEqual(k2.result.json["unchanged"], BATCH if present else 0)
            expected |= digests
        print("[crash] batch rounds (killed, present): %s" % outcomes, flush=True)
        self.assertTrue(any(kd for kd, _ in outcomes), "no batch was killed")
        regs = self.v("audit", "list", "--action", "artifact.register").json["events"]
        self.assertEqual(len(regs), len(expected))
        self.assertEqual({e["digest"] for e in regs}, expected)


if __name__ == "__main__":
    h.main()
