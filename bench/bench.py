"""Strata vs DuckDB (vs PySpark local[2] when installed) on the generated e-commerce data.

Run it through `bench/run`, which builds the release binary and the Python environment first.

Stages (issue 6):
  1. ingest:    CSV and JSONL -> bronze Parquet (GZIP)
  2. clean:     bronze -> silver (pending: needs the transforms of issue 3)
  3. aggregate: silver -> gold   (pending: needs the transforms of issue 3)

Each engine runs in its own process, `--runs` times; wall time is the median, CPU time and peak
RSS come from the kernel's accounting of that process (wait4), so DuckDB's numbers include its
Python interpreter. Prints a table and one JSON line per stage.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRATA = os.path.join(ROOT, ".build", "release", "strata")
PYTHON = sys.executable

TRANSACTIONS_SCHEMA = [
    ("transaction_id", "int64 not null", "BIGINT"),
    ("user_id", "int64 not null", "BIGINT"),
    ("product_id", "int64 not null", "BIGINT"),
    ("quantity", "int64", "BIGINT"),
    ("unit_price", "decimal(10,2)", "DECIMAL(10,2)"),
    ("amount", "decimal(12,2)", "DECIMAL(12,2)"),
    ("currency", "string", "VARCHAR"),
    ("status", "string", "VARCHAR"),
    ("payment_method", "string", "VARCHAR"),
    ("card_number", "string", "VARCHAR"),
    ("created_at", "timestamp not null", "TIMESTAMP"),
]
USERS_SCHEMA = [
    ("user_id", "int64 not null", "BIGINT"),
    ("email", "string", "VARCHAR"),
    ("full_name", "string", "VARCHAR"),
    ("phone", "string", "VARCHAR"),
    ("country", "string", "VARCHAR"),
    ("city", "string", "VARCHAR"),
    ("signup_date", "date", "DATE"),
    ("birth_date", "date", "DATE"),
    ("ip_address", "string", "VARCHAR"),
    ("marketing_opt_in", "bool", "BOOLEAN"),
]
PRODUCTS_SCHEMA = [
    ("product_id", "int64 not null", "BIGINT"),
    ("sku", "string", "VARCHAR"),
    ("name", "string", "VARCHAR"),
    ("category", "string", "VARCHAR"),
    ("brand", "string", "VARCHAR"),
    ("unit_price", "decimal(10,2)", "DECIMAL(10,2)"),
    ("active", "bool", "BOOLEAN"),
]
CSV_TABLES = [("users", USERS_SCHEMA), ("products", PRODUCTS_SCHEMA), ("transactions", TRANSACTIONS_SCHEMA)]


# ---------------------------------------------------------------------------------------------
# Machine, data, measurement

def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = 0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_mb": mem, "os": platform.platform()}


def load_average():
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def ensure_data(rows, data_dir):
    """Generates the e-commerce files once per row count; returns the directory."""
    marker = os.path.join(data_dir, ".complete")
    if os.path.exists(marker):
        return data_dir
    shutil.rmtree(data_dir, ignore_errors=True)
    os.makedirs(os.path.dirname(data_dir) or ".", exist_ok=True)
    print(f"generating {rows:,} transactions into {data_dir} ...", file=sys.stderr)
    subprocess.run([STRATA, "generate", "ecommerce", "--rows", str(rows), "--out", data_dir], check=True,
                   stdout=sys.stderr)  # stdout carries only the table and the JSON lines
    open(marker, "w").close()
    return data_dir


def input_files(data_dir):
    files = [os.path.join(data_dir, f"{t}.csv") for t, _ in CSV_TABLES]
    click = os.path.join(data_dir, "clickstream")
    files += sorted(os.path.join(click, f) for f in os.listdir(click) if f.endswith(".jsonl"))
    return files


def measure(cmd, cwd, env=None):
    """Runs `cmd` to completion; wall seconds, CPU seconds and peak RSS (MB) of that process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if p.returncode != 0:
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{stderr[-3000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024,
            "stdout": stdout}


def dir_bytes(path):
    total = 0
    for d, _, files in os.walk(path):
        if "_delta_log" in d:
            continue
        for f in files:
            if f.endswith(".parquet"):
                total += os.path.getsize(os.path.join(d, f))
    return total


# ---------------------------------------------------------------------------------------------
# Stage 1: ingest

def strata_ingest_project(work, data_dir, level):
    proj = os.path.join(work, "strata-ingest")
    os.makedirs(proj, exist_ok=True)
    lines = ["version: 1", "lake: lake", "pipelines:"]
    for table, schema in CSV_TABLES:
        lines += [f"  bronze_{table}:", "    source:", "      type: csv",
                  f"      path: {os.path.join(data_dir, table + '.csv')}", "      schema:"]
        lines += [f"        {name}: {typ}" for name, typ, _ in schema]
        lines += ["    sink:", "      type: table", f"      table: bronze.{table}", f"      compression_level: {level}"]
    lines += ["  bronze_clickstream:", "    source:", "      type: jsonl",
              f"      path: {os.path.join(data_dir, 'clickstream', '*.jsonl')}",
              "    sink:", "      type: table", "      table: bronze.clickstream", f"      compression_level: {level}"]
    with open(os.path.join(proj, "pipelines.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return proj


def run_strata_ingest(proj):
    shutil.rmtree(os.path.join(proj, "lake"), ignore_errors=True)
    m = measure([STRATA, "--json", "run", "--quiet"], cwd=proj)
    report = json.loads(m["stdout"])
    if not report.get("succeeded"):
        raise SystemExit("strata run failed:\n" + m["stdout"])
    m["rows_out"] = sum(p["rows_out"] for p in report["pipelines"])
    m["rows_quarantined"] = sum(p["quarantined"] for p in report["pipelines"])
    m["out_bytes"] = dir_bytes(os.path.join(proj, "lake", "bronze"))
    return m


DUCKDB_INGEST = r'''
import duckdb, json, sys, uuid
data, out, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
con = duckdb.connect()
con.execute("SET threads=2")
run_id = str(uuid.uuid4())
meta = f"now()::TIMESTAMP AS _ingested_at, filename AS _source_file, '{run_id}' AS _run_id"
for table, columns in spec:
    cols = ", ".join(f"'{n}': '{t}'" for n, t in columns)
    con.execute(f"""COPY (SELECT * EXCLUDE (filename), {meta}
        FROM read_csv('{data}/{table}.csv', header=true, columns={{{cols}}}, ignore_errors=true, filename=true))
        TO '{out}/{table}.parquet' (FORMAT parquet, COMPRESSION gzip)""")
con.execute(f"""COPY (SELECT * EXCLUDE (filename), {meta}
    FROM read_json('{data}/clickstream/*.jsonl', format='newline_delimited', ignore_errors=true, filename=true))
    TO '{out}/clickstream.parquet' (FORMAT parquet, COMPRESSION gzip)""")
'''


def run_duckdb_ingest(work, data_dir):
    out = os.path.join(work, "duckdb-ingest")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    spec = [(t, [(n, d) for n, _, d in s]) for t, s in CSV_TABLES]
    m = measure([PYTHON, "-c", DUCKDB_INGEST, data_dir, out, json.dumps(spec)], cwd=work)
    import duckdb
    m["rows_out"] = duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{out}/*.parquet')").fetchone()[0]
    m["out_bytes"] = dir_bytes(out)
    return m


SPARK_INGEST = r'''
import json, sys
from pyspark.sql import SparkSession
data, out, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
spark = SparkSession.builder.master("local[2]").appName("strata-bench").getOrCreate()
for table, ddl in spec:
    df = spark.read.option("header", True).option("mode", "DROPMALFORMED").schema(ddl).csv(f"{data}/{table}.csv")
    df.write.mode("overwrite").option("compression", "gzip").parquet(f"{out}/{table}")
spark.read.json(f"{data}/clickstream/*.jsonl").write.mode("overwrite").option("compression", "gzip").parquet(f"{out}/clickstream")
spark.stop()
'''


def spark_available():
    try:
        import pyspark  # noqa: F401
        return True
    except ImportError:
        return False


def run_spark_ingest(work, data_dir):
    out = os.path.join(work, "spark-ingest")
    shutil.rmtree(out, ignore_errors=True)
    spark_types = {"BIGINT": "BIGINT", "VARCHAR": "STRING", "TIMESTAMP": "TIMESTAMP", "DATE": "DATE", "BOOLEAN": "BOOLEAN"}
    spec = [(t, ", ".join(f"{n} {spark_types.get(d, d)}" for n, _, d in s)) for t, s in CSV_TABLES]
    m = measure([PYTHON, "-c", SPARK_INGEST, data_dir, out, json.dumps(spec)], cwd=work)
    m["rows_out"] = None
    m["out_bytes"] = dir_bytes(out)
    return m


def summarize(runs, rows, input_bytes):
    walls = [r["wall"] for r in runs]
    wall = statistics.median(walls)
    cpu = statistics.median(r["cpu"] for r in runs)
    return {
        "wall_s": round(wall, 3), "walls_s": [round(w, 3) for w in walls],
        "cpu_s": round(cpu, 3), "cores_busy": round(cpu / wall, 2) if wall else None,
        "rows_per_s": round(rows / wall) if wall else None,
        "input_mb_per_s": round(input_bytes / 1e6 / wall, 1) if wall else None,
        "peak_rss_mb": round(max(r["rss_mb"] for r in runs), 1),
        "output_mb": round(runs[-1]["out_bytes"] / 1e6, 1),
        "rows_out": runs[-1].get("rows_out"),
    }


def stage_ingest(args, data_dir, work, mach):
    files = input_files(data_dir)
    input_bytes = sum(os.path.getsize(f) for f in files)
    rows = 0
    for f in files:  # data rows: lines minus the CSV headers
        with open(f, "rb") as fh:
            n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))
        rows += n - (1 if f.endswith(".csv") else 0)
    proj = strata_ingest_project(work, data_dir, args.level)
    engines = {}
    load_before = load_average()
    runners = [("strata", lambda: run_strata_ingest(proj)), ("duckdb", lambda: run_duckdb_ingest(work, data_dir))]
    if spark_available():
        runners.append(("pyspark", lambda: run_spark_ingest(work, data_dir)))
    results = {name: [] for name, _ in runners}
    for i in range(args.runs):  # interleaved, so a change in machine load hits every engine alike
        for name, fn in runners:
            print(f"ingest: {name} run {i + 1}/{args.runs} ...", file=sys.stderr)
            results[name].append(fn())
    for name, _ in runners:
        engines[name] = summarize(results[name], rows, input_bytes)
    s = engines["strata"]
    if s["rows_out"] is not None:
        s["rows_quarantined"] = results["strata"][-1]["rows_quarantined"]
    ratio = round(engines["strata"]["wall_s"] / engines["duckdb"]["wall_s"], 3)
    return {"stage": "ingest", "rows": args.rows, "input_rows": rows, "input_mb": round(input_bytes / 1e6, 1),
            "runs": args.runs, "gzip_level": args.level, "engines": engines, "ratio_strata_duckdb": ratio,
            "load_avg_before": load_before, "load_avg_after": load_average(), "machine": mach,
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


# ---------------------------------------------------------------------------------------------
# Output

def print_table(results):
    head = f"{'stage':<10} {'engine':<8} {'wall s':>8} {'cpu s':>7} {'cores':>5} {'rows/s':>11} {'in MB/s':>8} {'peak RSS MB':>11} {'out MB':>7} {'vs DuckDB':>9}"
    print(head)
    print("-" * len(head))
    for r in results:
        if "pending" in r:
            print(f"{r['stage']:<10} pending: {r['pending']}")
            continue
        duck = r["engines"]["duckdb"]["wall_s"]
        for name, e in r["engines"].items():
            ratio = e["wall_s"] / duck if duck else float("nan")
            print(f"{r['stage']:<10} {name:<8} {e['wall_s']:>8.2f} {e['cpu_s']:>7.2f} {e['cores_busy']:>5.2f} "
                  f"{e['rows_per_s']:>11,} {e['input_mb_per_s']:>8.1f} {e['peak_rss_mb']:>11.1f} {e['output_mb']:>7.1f} {ratio:>9.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="transactions to generate (default 5,000,000)")
    ap.add_argument("--only", choices=["ingest", "clean", "aggregate"], help="run one stage")
    ap.add_argument("--runs", type=int, default=3, help="runs per engine and stage; wall time is the median (default 3)")
    ap.add_argument("--data", help="data directory (default /tmp/strata-bench/ecommerce-ROWS, reused when complete)")
    ap.add_argument("--work", help="work directory for outputs (default: a temporary one, removed at the end)")
    ap.add_argument("--level", type=int, default=1, choices=range(1, 10), help="Strata gzip level (default 1)")
    args = ap.parse_args()
    if not os.access(STRATA, os.X_OK):
        raise SystemExit(f"no release binary at {STRATA}: run bench/run (it builds one)")
    data_dir = ensure_data(args.rows, args.data or f"/tmp/strata-bench/ecommerce-{args.rows}")
    work = args.work or tempfile.mkdtemp(prefix="strata-bench-")
    os.makedirs(work, exist_ok=True)
    mach = machine()
    print(f"machine: {mach['nproc']} cores, {mach['cpu']}, {mach['ram_mb']:,} MB RAM; load average {load_average()}", file=sys.stderr)
    stages = [args.only] if args.only else ["ingest", "clean", "aggregate"]
    results = []
    try:
        for stage in stages:
            if stage == "ingest":
                results.append(stage_ingest(args, data_dir, work, mach))
            else:
                # The gold output check (Strata's gold == DuckDB's) belongs to stage 3 and runs before its timings.
                results.append({"stage": stage, "pending": "needs the transforms of issue 3"})
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print_table(results)
    for r in results:
        print(json.dumps(r, sort_keys=True))


if __name__ == "__main__":
    main()
