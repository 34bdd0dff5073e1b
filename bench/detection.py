"""The cost of enforcing PII detection on a silver stage with one free-text column.

Two lakes from the same generated CSV (`id`, `created_at`, `channel`, `body`: support tickets, about
6 % of them holding an e-mail address, a phone or a card number somewhere in the text):

  report:  detection `mode: report`: the detector samples 1,000 values, the text is stored as it is
  enforce: the default: every value is scanned, the column is tagged free text and scrubbed

Bronze is built once per lake (not timed); then `strata run --full-refresh silver_tickets` runs
`--runs` times per lake, interleaved, each in its own process. Wall time is the median; CPU and peak
RSS come from the kernel's accounting (wait4). Before printing, the enforce lake's silver is checked
with DuckDB: no generated e-mail address, phone or card number is stored there.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import STRATA, measure, strata_env, machine  # noqa: E402

PIPELINES = """version: 1
lake: lake
policies: policies
pipelines:
  bronze_tickets:
    source:
      type: csv
      path: {csv}
      schema: {{id: int64 not null, created_at: timestamp, channel: string, body: string}}
    sink: {{type: table, table: bronze.tickets}}
  silver_tickets:
    source: {{type: table, table: bronze.tickets}}
    transforms:
      - {{type: filter, where: "channel <> 'spam'"}}
    sink: {{type: table, table: silver.tickets}}
"""

POLICY = """version: 1
{detection}masking:
  pii.email: hash
layers:
  bronze: {{store_raw: ["*"]}}
  quarantine: {{store_raw: ["*"]}}
  silver: {{store_raw: []}}
  gold: {{store_raw: []}}
"""

WORDS = ("the parcel arrived late and the box was damaged please refund or send a new one thanks "
         "bonjour merci hallo danke gracias order status invoice tracking number delivered today").split()


def generate(path, rows, seed=7):
    rnd = random.Random(seed)
    pii = []
    with open(path, "w") as f:
        f.write("id,created_at,channel,body\n")
        for i in range(rows):
            words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 16))]
            r = rnd.random()
            if r < 0.03:
                span = f"user{i}@example.org"
            elif r < 0.05:
                span = f"+1 {rnd.randint(200, 999)} {rnd.randint(200, 999)} {rnd.randint(1000, 9999)}"
            elif r < 0.06:
                span = "4111 1111 1111 1111"
            else:
                span = None
            if span:
                words.insert(rnd.randint(0, len(words)), span)
                if len(pii) < 2000:
                    pii.append(span)
            channel = rnd.choice(["mail", "chat", "phone", "spam"])
            f.write(f"{i},2026-0{1 + i % 9}-1{i % 10}T10:00:00Z,{channel},\"{' '.join(words)}\"\n")
    return pii


def project(work, name, csv, enforce):
    proj = os.path.join(work, name)
    os.makedirs(os.path.join(proj, "policies"), exist_ok=True)
    with open(os.path.join(proj, "pipelines.yaml"), "w") as f:
        f.write(PIPELINES.format(csv=csv))
    with open(os.path.join(proj, "policies", "masking.yaml"), "w") as f:
        f.write(POLICY.format(detection="" if enforce else "detection:\n  mode: report\n"))
    m = measure([STRATA, "--json", "run", "--quiet", "bronze_tickets"], cwd=proj, env=strata_env())
    if not json.loads(m["stdout"]).get("succeeded"):
        raise SystemExit("bronze failed:\n" + m["stdout"])
    return proj


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="strata-detection-")
    try:
        csv = os.path.join(work, "tickets.csv")
        pii = generate(csv, args.rows)
        lakes = {"report": project(work, "report", csv, False), "enforce": project(work, "enforce", csv, True)}
        results = {k: [] for k in lakes}
        for _ in range(args.runs):
            for name, proj in lakes.items():
                m = measure([STRATA, "--json", "run", "--quiet", "--full-refresh", "silver_tickets"], cwd=proj, env=strata_env())
                report = json.loads(m["stdout"])
                if not report.get("succeeded"):
                    raise SystemExit("silver failed:\n" + m["stdout"])
                results[name].append(m)
        import duckdb
        files = os.path.join(lakes["enforce"], "lake", "silver", "tickets", "**", "*.parquet")
        text = "\n".join(r[0] for r in duckdb.sql(f"select body from read_parquet('{files}')").fetchall() if r[0])
        leaked = [s for s in pii if s in text]
        if leaked:
            raise SystemExit(f"{len(leaked)} generated spans are stored raw in the enforce lake's silver")
        rows = []
        for name, ms in results.items():
            rows.append((name, statistics.median(m["wall"] for m in ms), statistics.median(m["cpu"] for m in ms),
                         max(m["rss_mb"] for m in ms)))
        base = rows[0][1]
        mach = machine()
        print(f"silver stage, {args.rows:,} tickets, {args.runs} runs each (median); {mach['nproc']} cores, {mach['cpu']}")
        print(f"{'detection':<10} {'wall s':>8} {'cpu s':>8} {'peak MB':>8} {'vs report':>10}")
        for name, wall, cpu, rss in rows:
            print(f"{name:<10} {wall:8.2f} {cpu:8.2f} {rss:8.0f} {(wall / base - 1) * 100:+9.1f}%")
        print(json.dumps({"stage": "silver-detection", "rows": args.rows,
                          "results": {n: {"wall": w, "cpu": c, "rss_mb": r} for n, w, c, r in rows},
                          "overhead": rows[1][1] / base - 1, "raw_spans_in_silver": 0}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
