"""Durability: vouch processes killed with SIGKILL at random moments during a
loop of mutations. Every acknowledged mutation must be there afterwards, no
half-done mutation may be visible, and `audit verify` (which replays the
trail against the tables) must pass."""
import json
import os
import random
import signal
import subprocess
import time

from vouch_e2e import BIN, VouchCase, main, sha256_bytes, write

SEED = int(os.environ.get("VOUCH_CRASH_SEED", str(int(time.time()))))
MUTATIONS = int(os.environ.get("VOUCH_CRASH_MUTATIONS", "150"))


class Crash(VouchCase):
    def spawn(self, args):
        return subprocess.Popen([BIN, "--data", self.data, "--actor", "ci", "-o", "json"] + args,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run_maybe_killed(self, rng, args, kill_chance=0.35):
        """Run one mutation; SIGKILL it after a random delay with some chance.
        Returns the parsed output when it was acknowledged (exit 0), else None."""
        p = self.spawn(args)
        if rng.random() < kill_chance:
            time.sleep(rng.uniform(0, 0.02))
            p.send_signal(signal.SIGKILL)
        out, _ = p.communicate(timeout=60)
        if p.returncode == -signal.SIGKILL:
            self.killed += 1
        if p.returncode == 0 and out.strip():
            return json.loads(out)
        return None

    def test_killed_mutations_keep_every_acknowledged_write(self):
        print("crash test seed %d (set VOUCH_CRASH_SEED to replay)" % SEED)
        rng = random.Random(SEED)
        self.killed = 0
        self.init_project()
        registered, verified, promoted, deprecated = {}, set(), {}, set()
        for i in range(MUTATIONS):
            op = rng.choice(["register", "register", "verify", "promote", "deprecate"])
            if op == "register" or not registered:
                path, d = self.artifact_file("f%d" % i, "content %d %d" % (SEED, i))
                if self.run_maybe_killed(rng, ["artifact", "register", "--project", "pay",
                                               "--name", "f%d" % i, "--kind", "binary",
                                               "--source-type", "file", "--source-uri", path,
                                               d]) is not None:
                    registered[d] = path
                continue
            d = rng.choice(sorted(registered))
            if op == "verify":
                out = self.run_maybe_killed(rng, ["artifact", "verify", "--project", "pay", d])
                if out is not None:
                    verified.add(d)
            elif op == "promote":
                chain = ["dev", "test", "staging", "prod"]
                nxt = chain[min(len(promoted.get(d, [])), 3)]
                out = self.run_maybe_killed(rng, ["promote", "--project", "pay", d, "--to", nxt])
                if out is not None:
                    promoted.setdefault(d, [])
                    if nxt not in promoted[d]:
                        promoted[d].append(nxt)
            else:
                out = self.run_maybe_killed(rng, ["artifact", "deprecate", "--project", "pay",
                                                  d])
                if out is not None:
                    deprecated.add(d)

        listed = {a["digest"]: a for a in
                  self.ok("artifact", "list", "--project", "pay").json["artifacts"]}
        for d in registered:
            self.assertIn(d, listed, "acknowledged registration lost")
        for d in verified:
            self.assertNotEqual(listed[d]["trust"], "unverified", "acknowledged verify lost")
        for d in deprecated:
            self.assertIn(listed[d]["lifecycle"], ("deprecated",), "acknowledged deprecate lost")
        for d, chans in promoted.items():
            hist = self.ok("history", "--project", "pay", d).json["events"]
            got = [e["target"]["channel"] for e in hist if e["action"] == "artifact.promote"]
            for ch in chans:
                self.assertIn(ch, got, "acknowledged promotion lost")
        print("%d mutations, %d killed, %d registrations acknowledged"
              % (MUTATIONS, self.killed, len(registered)))
        self.assertGreater(self.killed, 0, "the test killed nothing")
        self.assertGreater(len(registered), 0)
        # every promotion event has its promotion and vice versa: audit verify replays it
        r = self.ok("audit", "verify")
        self.assertGreater(r.json["events"], 1)

    def test_concurrent_verifications_wait_for_each_other(self):
        """Writers queue on the busy timeout; none fails because another wrote."""
        self.init_project()
        digests = [self.register_file("c%d" % i, "concurrent %d" % i)[1] for i in range(24)]
        procs = [self.spawn(["artifact", "verify", "--project", "pay", d]) for d in digests]
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
        listed = self.ok("artifact", "list", "--project", "pay", "--trust", "verified").json
        self.assertEqual(len(listed["artifacts"]), 24)
        self.ok("audit", "verify")

    def test_killed_batch_is_all_or_nothing(self):
        print("crash test seed %d" % SEED)
        rng = random.Random(SEED)
        self.init_project()
        outcomes = []
        duration = None
        for attempt in range(6):
            lines = []
            for i in range(5000):
                lines.append(json.dumps({"name": "b%d-%d" % (attempt, i), "kind": "binary",
                                         "sourceType": "file",
                                         "sourceUri": "/srv/b%d/%d" % (attempt, i),
                                         "digest": sha256_bytes(b"%d-%d" % (attempt, i))}))
            lst = write(os.path.join(self.work, "batch%d.jsonl" % attempt), "\n".join(lines))
            started = time.monotonic()
            p = self.spawn(["artifact", "register", "--project", "pay", "--from-file", lst])
            if duration is None:  # the first batch runs whole: how long one takes here
                p.communicate(timeout=120)
                self.assertEqual(p.returncode, 0)
                duration = time.monotonic() - started
            else:
                time.sleep(rng.uniform(0.0, duration))
                p.send_signal(signal.SIGKILL)
                p.communicate(timeout=60)
            arts = self.ok("artifact", "list", "--project", "pay").json["artifacts"]
            mine = [a for a in arts if a["name"].startswith("b%d-" % attempt)]
            self.assertIn(len(mine), (0, 5000), "a killed batch left part of itself")
            outcomes.append(len(mine))
        print("killed batches left %s artifacts" % outcomes)
        self.ok("audit", "verify")


if __name__ == "__main__":
    main()
