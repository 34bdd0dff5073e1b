"""Native against `--engine spark` (local[2]): the same silver and gold pipelines of the bench
lake, from the same bronze tables, timed as whole `strata run` processes (spark-submit and its JVM
included, once per pipeline).

Before any timing it runs both engines once and checks that they left equal silver and gold
tables (row multisets; doubles to 12 significant digits, since Spark sums in another order).

Run: bench/run --only engines [--rows N] [--runs N]
"""
import json
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402

COMPARE = r'''
import sys, json, math, pyarrow as pa
from collections import Counter
from deltalake import DeltaTable
a, b, tables = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
def norm(v):
    if isinstance(v, float):
        return "nan" if math.isnan(v) else float("%.12g" % v)
    return v.isoformat() if hasattr(v, "isoformat") else v
def rows(root, t):
    tab = pa.table(DeltaTable(f"{root}/{t}").to_pyarrow_dataset().to_table())
    cols = sorted(tab.column_names)
    return Counter(json.dumps([norm(r[c]) for c in cols], default=str) for r in tab.select(cols).to_pylist())
out = {}
for t in tables:
    ra, rb = rows(a, t), rows(b, t)
    out[t] = {"rows": sum(ra.values()), "equal": ra == rb}
print(json.dumps(out))
'''

TABLES = ["silver/users", "silver/products", "silver/transactions", "silver/clickstream", "gold/category_daily"]


def spark_submit():
    path = os.path.join(os.path.dirname(bench.PYTHON), "spark-submit")
    if not os.access(path, os.X_OK):
        raise SystemExit("spark-submit is not in .venv (pyspark): run ./scripts/setup")
    return path


def run(proj, engine):
    lake = os.path.join(proj, "lake")
    for d in ("silver", "gold", "_state"):
        shutil.rmtree(os.path.join(lake, d), ignore_errors=True)
    cmd = [bench.STRATA, "--json", "run", "--quiet", *bench.SILVER, *bench.GOLD]
    if engine == "spark":
        cmd += ["--engine", "spark", "--master", "local[2]"]
    env = bench.strata_env()
    env["STRATA_SPARK_SUBMIT"] = spark_submit()
    m = bench.measure(cmd, cwd=proj, env=env)
    report = json.loads(m["stdout"])
    if not report.get("succeeded"):
        raise SystemExit(f"strata run --engine {engine} failed:\n" + m["stdout"])
    m["rows_out"] = sum(p["rows_out"] for p in report["pipelines"])
    m["out_bytes"] = sum(bench.dir_bytes(os.path.join(lake, d)) for d in ("silver", "gold"))
    return m


def stage(args, proj, work, mach):
    lake = os.path.join(proj, "lake")
    if not all(os.path.isdir(os.path.join(lake, "bronze", t)) for t in bench.TABLES):
        print("engines: writing the bronze tables first (untimed) ...", file=sys.stderr)
        bench.run_strata(proj, bench.BRONZE, ["bronze", "silver", "gold", "quarantine", "_state", "_audit"])
    bronze = [p for t in bench.TABLES for p in bench.delta_files(lake, f"bronze/{t}")]
    input_bytes = sum(os.path.getsize(p) for p in bronze)
    import duckdb
    rows = duckdb.connect().execute("SELECT count(*) FROM read_parquet([" + ", ".join(f"'{p}'" for p in bronze) + "], union_by_name=true)").fetchone()[0]
    # The check first: both engines once, Spark's tables against the native ones.
    print("engines: native and spark once each, then comparing their tables ...", file=sys.stderr)
    run(proj, "native")
    native = os.path.join(work, "native-lake")
    shutil.rmtree(native, ignore_errors=True)
    os.makedirs(native)
    for layer in ("silver", "gold"):
        shutil.copytree(os.path.join(lake, layer), os.path.join(native, layer))
    run(proj, "spark")
    check = json.loads(subprocess.run([bench.PYTHON, "-c", COMPARE, native, lake, ",".join(TABLES)],
                                      check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    bad = [t for t, c in check.items() if not c["equal"] or c["rows"] == 0]
    if bad:
        raise SystemExit(f"engines: Spark's tables differ from the native ones: {bad}: {json.dumps(check)}")
    print("engines: equal (" + ", ".join(f"{t} {c['rows']:,}" for t, c in check.items()) + ")", file=sys.stderr)
    runners = [("native", lambda: run(proj, "native")), ("spark", lambda: run(proj, "spark"))]
    results, load_before = bench.run_interleaved("engines", runners, args.runs)
    engines = {name: bench.summarize(rs, rows, input_bytes) for name, rs in results.items()}
    return {"stage": "engines", "rows": args.rows, "input_rows": rows, "input_mb": round(input_bytes / 1e6, 1),
            "runs": args.runs, "engines": engines,
            "ratio_spark_native": round(engines["spark"]["wall_s"] / engines["native"]["wall_s"], 3),
            "pipelines": len(bench.SILVER) + len(bench.GOLD), "check": check,
            "load_avg_before": load_before, "load_avg_after": bench.load_average(), "machine": mach}


def print_table(r):
    head = f"{'stage':<8} {'engine':<7} {'wall s':>8} {'cpu s':>7} {'rows/s':>11} {'peak RSS MB':>11} {'vs native':>9}"
    print(head)
    print("-" * len(head))
    base = r["engines"]["native"]["wall_s"]
    for name, e in r["engines"].items():
        print(f"{'engines':<8} {name:<7} {e['wall_s']:>8.2f} {e['cpu_s']:>7.2f} {e['rows_per_s']:>11,} {e['peak_rss_mb']:>11.1f} {e['wall_s'] / base:>9.2f}")
