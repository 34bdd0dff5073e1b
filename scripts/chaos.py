"""Strata's chaos suite: kill -9 at every crash point and at random moments, concurrent runs,
run + vacuum; after each trial a plain `strata run` must leave the lake equal to a clean run's
(row counts of every main and quarantine table, read by deltalake), `strata audit verify` and
`strata audit reconcile` must pass, and nothing may be written outside the project's lake and
lineage folders.

Run through `scripts/chaos` (which builds the release binary and the Python environment):

  scripts/chaos [--rounds N] [--points N|all] [--concurrent N] [--binary PATH] [--seed S] [--json]

  --rounds N      random kills: N trials, each killing `strata run` or `strata run --full-refresh`
                  (on a lake already built) after a random delay within a clean run's duration
  --points N|all  deterministic kills: every crash point a clean run reaches (`all`), or N of them
                  spread evenly; each is `STRATA_CRASH_AT=NAME#K` (the K-th time NAME is reached)
  --concurrent N  N trials of two `strata run` started at once, and N of `run` + `vacuum`

Prints one line per failed trial and a summary table, and with --json one JSON object. Exit 1 when
any trial fails.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def copy_project(dst):
    os.makedirs(dst)
    shutil.copy(os.path.join(ROOT, "pipelines.yaml"), dst)
    shutil.copytree(os.path.join(ROOT, "policies"), os.path.join(dst, "policies"))
    shutil.copytree(os.path.join(ROOT, "datalake", "landing"), os.path.join(dst, "datalake", "landing"))


def strata(binary, proj, *args, env=None, timeout=300):
    e = dict(os.environ)
    e.pop("STRATA_CRASH_AT", None)
    e.pop("STRATA_CRASH_TRACE", None)
    e.update(env or {})
    return subprocess.run([binary, *args], cwd=proj, env=e, capture_output=True, text=True, timeout=timeout)


def counts(proj):
    from deltalake import DeltaTable
    out = {}
    lake = os.path.join(proj, "datalake")
    for layer in ("bronze", "silver", "gold", "quarantine"):
        base = os.path.join(lake, layer)
        if not os.path.isdir(base):
            continue
        for t in sorted(os.listdir(base)):
            log = os.path.join(base, t, "_delta_log")
            if not os.path.isdir(log) or not any(f.endswith(".json") for f in os.listdir(log)):
                continue  # a crashed first write: no table yet (vacuum removes it)
            out[f"{layer}.{t}"] = DeltaTable(os.path.join(base, t)).to_pyarrow_table().num_rows
    return out


def outside_files(proj):
    """Files of the project outside its lake and lineage folders (what a run must never write)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(proj):
        rel = os.path.relpath(dirpath, proj)
        top = rel.split(os.sep)[0]
        if top in ("datalake", "lineage"):
            dirnames[:] = []
            continue
        found += [os.path.join(rel, f) for f in filenames]
    return sorted(found)


class Suite:
    def __init__(self, binary, work):
        self.binary = binary
        self.work = work
        self.n = 0
        self.results = {}
        self.failures = []
        ref = self.fresh("reference")
        trace = os.path.join(work, "trace.txt")
        t0 = time.monotonic()
        r = strata(binary, ref, "run", env={"STRATA_CRASH_TRACE": trace})
        self.run_seconds = time.monotonic() - t0
        if r.returncode != 0:
            raise SystemExit("the reference run failed:\n" + r.stdout + r.stderr)
        self.reference = counts(ref)
        self.files = outside_files(ref)
        seen = {}
        self.points = []
        with open(trace) as f:
            for line in f:
                name = line.strip()
                seen[name] = seen.get(name, 0) + 1
                self.points.append(f"{name}#{seen[name]}")

    def fresh(self, tag):
        self.n += 1
        p = os.path.join(self.work, f"{self.n:04d}-{tag}")
        copy_project(p)
        return p

    def check(self, kind, label, proj):
        """Reruns to completion, then compares with the reference; records the outcome."""
        problems = []
        r = strata(self.binary, proj, "run")
        if r.returncode != 0:
            problems.append(f"rerun exit {r.returncode}: {(r.stderr or r.stdout).strip()[-400:]}")
        else:
            c = counts(proj)
            if c != self.reference:
                diff = {k: (c.get(k), self.reference.get(k)) for k in set(c) | set(self.reference) if c.get(k) != self.reference.get(k)}
                problems.append(f"rows differ from a clean run (found, expected): {diff}")
            v = strata(self.binary, proj, "audit", "verify")
            if v.returncode != 0:
                problems.append("audit verify: " + v.stdout.strip()[-400:])
            rc = strata(self.binary, proj, "audit", "reconcile")
            if rc.returncode != 0:
                problems.append("audit reconcile: " + rc.stdout.strip()[-400:])
            extra = sorted(set(outside_files(proj)) - set(self.files))
            if extra:
                problems.append(f"files outside the lake: {extra[:5]}")
        res = self.results.setdefault(kind, {"trials": 0, "passed": 0})
        res["trials"] += 1
        if problems:
            self.failures.append({"kind": kind, "trial": label, "project": proj, "problems": problems})
            print(f"FAIL {kind} {label}: " + "; ".join(problems), file=sys.stderr)
        else:
            res["passed"] += 1
            shutil.rmtree(proj, ignore_errors=True)

    def crash_point(self, point):
        p = self.fresh("point")
        r = strata(self.binary, p, "run", env={"STRATA_CRASH_AT": point})
        if r.returncode != -9:
            # The point was not reached again (the run differs from the traced one): still check the lake.
            print(f"note: {point} did not kill the run (exit {r.returncode})", file=sys.stderr)
        self.check("crash point", point, p)

    def random_kill(self, rnd, refresh):
        p = self.fresh("kill")
        args = ["run"]
        if refresh:
            r = strata(self.binary, p, "run")
            if r.returncode != 0:
                raise SystemExit("a clean run failed:\n" + r.stderr)
            args = ["run", "--full-refresh"]
        delay = rnd.uniform(0, self.run_seconds * (1.3 if refresh else 1.1))
        e = dict(os.environ)
        e.pop("STRATA_CRASH_AT", None)
        proc = subprocess.Popen([self.binary, *args], cwd=p, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.kill()
        proc.wait()
        self.check("random kill (full refresh)" if refresh else "random kill", f"{' '.join(args)} after {delay:.3f}s", p)

    def concurrent(self, with_vacuum):
        p = self.fresh("concurrent")
        e = dict(os.environ)
        e.pop("STRATA_CRASH_AT", None)
        second = ["vacuum"] if with_vacuum else ["run"]
        a = subprocess.Popen([self.binary, "run"], cwd=p, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        b = subprocess.Popen([self.binary, *second], cwd=p, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        outs = [a.communicate(), b.communicate()]
        bad = [f"{' '.join(cmd)} exit {proc.returncode}: {out[1].strip()[-300:]}"
               for cmd, proc, out in ((["run"], a, outs[0]), (second, b, outs[1])) if proc.returncode != 0]
        kind = "run + vacuum" if with_vacuum else "two runs at once"
        if bad:
            self.results.setdefault(kind, {"trials": 0, "passed": 0})["trials"] += 1
            self.failures.append({"kind": kind, "trial": self.n, "project": p, "problems": bad})
            print(f"FAIL {kind}: " + "; ".join(bad), file=sys.stderr)
            return
        self.check(kind, str(self.n), p)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=200)
    ap.add_argument("--points", default="all")
    ap.add_argument("--concurrent", type=int, default=50)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "strata"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the work folder (failed trials are always kept)")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    if not os.access(args.binary, os.X_OK):
        raise SystemExit(f"no strata binary at {args.binary}: build it, or pass --binary")
    work = tempfile.mkdtemp(prefix="strata-chaos-")
    t0 = time.monotonic()
    suite = Suite(args.binary, work)
    points = suite.points
    if args.points != "all":
        k = max(0, min(int(args.points), len(points)))
        points = [points[round(i * (len(points) - 1) / max(1, k - 1))] for i in range(k)] if k > 1 else points[:k]
        points = list(dict.fromkeys(points))
    for pt in points:
        suite.crash_point(pt)
    rnd = random.Random(args.seed)
    for i in range(args.rounds):
        suite.random_kill(rnd, refresh=(i % 3 == 2))
    for i in range(args.concurrent):
        suite.concurrent(with_vacuum=(i % 5 == 4))
    seconds = time.monotonic() - t0
    total = sum(r["trials"] for r in suite.results.values())
    passed = sum(r["passed"] for r in suite.results.values())
    print(f"{'trial kind':<28} {'trials':>7} {'passed':>7}")
    for k, r in suite.results.items():
        print(f"{k:<28} {r['trials']:>7} {r['passed']:>7}")
    print(f"{'all':<28} {total:>7} {passed:>7}   ({len(suite.points)} crash points in a clean run; {seconds:.0f} s)")
    if args.json:
        print(json.dumps({"ok": not suite.failures, "trials": total, "passed": passed, "crash_points": len(suite.points),
                          "results": suite.results, "failures": suite.failures, "seconds": round(seconds, 1)}))
    if not suite.failures and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    elif suite.failures:
        print(f"failed trials kept in {work}", file=sys.stderr)
    sys.exit(1 if suite.failures else 0)


if __name__ == "__main__":
    main()
