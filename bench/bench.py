"""Strata vs DuckDB (vs PySpark local[2] when installed) on the generated e-commerce data.

Run it through `bench/run`, which builds the release binary and the Python environment first.

Stages (issue 6):
  1. ingest:    CSV and JSONL -> bronze Parquet (GZIP)
  2. clean:     bronze -> silver: dedupe on key, cast, filter, derived date, e-mail normalised and
                masked with HMAC-SHA-256 (Strata: by governance, `policies/`; DuckDB: Python's hmac
                over the distinct e-mails with the same key, joined in: byte-identical, checked)
  3. aggregate: silver -> gold: transactions joined with products and users, grouped by category
                and day, with sums, counts and distinct counts of users and of masked e-mails

Every engine reads the same input files: stage 2 reads Strata's bronze tables, stage 3 Strata's
silver tables (the exact files of the latest Delta snapshot). Each engine runs in its own process,
`--runs` times; wall time is the median, CPU time and peak RSS come from the kernel's accounting of
that process (wait4), so DuckDB's numbers include its Python interpreter. Before any timing is
printed, stage 2 checks that both silvers agree and stage 3 that Strata's gold equals DuckDB's,
row for row; a mismatch stops the run. Prints a table and one JSON line per stage.
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
# The benchmark's masking key (hex, 32 bytes): given to Strata as STRATA_MASK_KEY and to DuckDB's UDF.
MASK_KEY = "5374726174612062656e63686d61726b206b6579203230323620202020202020"

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
TABLES = ["users", "products", "transactions", "clickstream"]


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
        raise SystemExit(f"command failed ({p.returncode}): {' '.join(cmd)}\n{stdout[-3000:]}\n{stderr[-3000:]}")
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


def delta_files(lake, table):
    """The Parquet files of the latest snapshot of a Strata table (overwrites leave old files behind)."""
    from deltalake import DeltaTable
    return DeltaTable(os.path.join(lake, table)).file_uris()


def spark_available():
    try:
        import pyspark  # noqa: F401
        return True
    except ImportError:
        return False


# ---------------------------------------------------------------------------------------------
# The Strata project: bronze, silver and gold pipelines, and a policy masking e-mails in silver

SILVER_PIPELINES = """
  silver_users:
    source: {type: table, table: bronze.users, incremental: false}
    transforms:
      - type: dedupe
        keys: [user_id]
      - type: derive
        columns:
          email: lower(trim(email))
          country: upper(country)
      - type: drop
        columns: [_ingested_at, _source_file, _run_id]
    sink: {type: table, table: silver.users, mode: overwrite, compression_level: LEVEL}

  silver_products:
    source: {type: table, table: bronze.products, incremental: false}
    transforms:
      - type: dedupe
        keys: [product_id]
      - type: derive
        columns:
          category: coalesce(category, 'Uncategorized')
      - type: drop
        columns: [_ingested_at, _source_file, _run_id]
    sink: {type: table, table: silver.products, mode: overwrite, compression_level: LEVEL}

  silver_transactions:
    source: {type: table, table: bronze.transactions, incremental: false}
    transforms:
      - type: dedupe
        keys: [transaction_id]
      - type: cast
        columns: {quantity: int64, amount: "decimal(12,2)"}
      - type: filter
        where: amount >= 0 AND quantity > 0
      - type: derive
        columns:
          order_date: date(created_at)
          status: lower(status)
      - type: drop
        columns: [_ingested_at, _source_file, _run_id]
    sink: {type: table, table: silver.transactions, mode: overwrite, compression_level: LEVEL}

  silver_clickstream:
    source: {type: table, table: bronze.clickstream, incremental: false}
    transforms:
      - type: dedupe
        keys: [event_id]
      - type: filter
        where: ts IS NOT NULL
      - type: derive
        columns:
          event_date: date(ts)
      - type: drop
        columns: [_ingested_at, _source_file, _run_id]
    sink: {type: table, table: silver.clickstream, mode: overwrite, compression_level: LEVEL}
"""

GOLD_PIPELINES = """
  gold_category_daily:
    source: {type: table, table: silver.transactions, incremental: false,
             columns: [user_id, product_id, quantity, amount, status, order_date]}
    transforms:
      - type: filter
        where: status = 'completed'
      - type: join
        table: silver.products
        on: [product_id]
        columns: [category]
      - type: join
        table: silver.users
        on: [user_id]
        columns: [email]
      - type: aggregate
        group_by: [order_date, category]
        aggregates:
          revenue: sum(amount)
          orders: count(*)
          units: sum(quantity)
          customers: count_distinct(user_id)
          customer_emails: count_distinct(email)
          avg_order_value: avg(amount)
    sink: {type: table, table: gold.category_daily, mode: overwrite, compression_level: LEVEL}
"""

CLASSIFICATION = """version: 1
description: The benchmark lake. Only e-mail addresses are classified, so only they are masked.
classification:
  - tables: "*"
    columns:
      email: pii.email
"""

MASKING = """version: 1
description: E-mails are stored raw in bronze and as HMAC-SHA-256 (hash) from silver on.
# Detection only reports here, so both engines mask the same columns (bench/detection measures
# what enforcing detection costs).
detection:
  mode: report
masking:
  pii.email: hash
layers:
  bronze:
    store_raw: ["*"]
  quarantine:
    store_raw: ["*"]
  silver:
    store_raw: []
  gold:
    store_raw: []
"""


def strata_project(work, data_dir, level, codec="gzip"):
    proj = os.path.join(work, "strata")
    # Every sink gets the codec; the level applies to gzip and zstd only.
    sink_codec = [f"      compression: {codec}"] + ([f"      compression_level: {level}"] if codec in ("gzip", "zstd") else [])
    os.makedirs(os.path.join(proj, "policies"), exist_ok=True)
    lines = ["version: 1", "lake: lake", "policies: policies", "pipelines:"]
    for table, schema in CSV_TABLES:
        lines += [f"  bronze_{table}:", "    source:", "      type: csv",
                  f"      path: {os.path.join(data_dir, table + '.csv')}", "      schema:"]
        lines += [f"        {name}: {typ}" for name, typ, _ in schema]
        lines += ["    sink:", "      type: table", f"      table: bronze.{table}"] + sink_codec
    lines += ["  bronze_clickstream:", "    source:", "      type: jsonl",
              f"      path: {os.path.join(data_dir, 'clickstream', '*.jsonl')}",
              "    sink:", "      type: table", "      table: bronze.clickstream"] + sink_codec
    level_key = f"compression: {codec}, compression_level: {level}" if codec in ("gzip", "zstd") else f"compression: {codec}"
    text = "\n".join(lines) + "\n" + (SILVER_PIPELINES + GOLD_PIPELINES).replace("compression_level: LEVEL", level_key)
    with open(os.path.join(proj, "pipelines.yaml"), "w") as f:
        f.write(text)
    with open(os.path.join(proj, "policies", "classification.yaml"), "w") as f:
        f.write(CLASSIFICATION)
    with open(os.path.join(proj, "policies", "masking.yaml"), "w") as f:
        f.write(MASKING)
    return proj


def strata_env():
    env = dict(os.environ)
    env["STRATA_MASK_KEY"] = MASK_KEY
    return env


def run_strata(proj, selectors, layer_dirs):
    """Runs `strata run SELECTORS` on a lake without the given layers (fresh outputs every run)."""
    lake = os.path.join(proj, "lake")
    for d in layer_dirs:
        shutil.rmtree(os.path.join(lake, d), ignore_errors=True)
    m = measure([STRATA, "--json", "run", "--quiet", *selectors], cwd=proj, env=strata_env())
    report = json.loads(m["stdout"])
    if not report.get("succeeded"):
        raise SystemExit("strata run failed:\n" + m["stdout"])
    m["rows_out"] = sum(p["rows_out"] for p in report["pipelines"])
    m["rows_quarantined"] = sum(p["quarantined"] for p in report["pipelines"])
    m["out_bytes"] = sum(dir_bytes(os.path.join(lake, d)) for d in layer_dirs if d in ("bronze", "silver", "gold"))
    return m


BRONZE = ["bronze_users", "bronze_products", "bronze_transactions", "bronze_clickstream"]
SILVER = ["silver_users", "silver_products", "silver_transactions", "silver_clickstream"]
GOLD = ["gold_category_daily"]


# ---------------------------------------------------------------------------------------------
# Stage 1: ingest

DUCKDB_INGEST = r'''
import duckdb, json, sys, uuid
data, out, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
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


def run_spark_ingest(work, data_dir):
    out = os.path.join(work, "spark-ingest")
    shutil.rmtree(out, ignore_errors=True)
    spark_types = {"BIGINT": "BIGINT", "VARCHAR": "STRING", "TIMESTAMP": "TIMESTAMP", "DATE": "DATE", "BOOLEAN": "BOOLEAN"}
    spec = [(t, ", ".join(f"{n} {spark_types.get(d, d)}" for n, _, d in s)) for t, s in CSV_TABLES]
    m = measure([PYTHON, "-c", SPARK_INGEST, data_dir, out, json.dumps(spec)], cwd=work)
    m["rows_out"] = None
    m["out_bytes"] = dir_bytes(out)
    return m


# ---------------------------------------------------------------------------------------------
# Stage 2: clean (bronze -> silver). The SQL does what the silver pipelines do: one row per key,
# the casts, the filters, the derived dates, lower(trim(email)) masked with the same HMAC.

HMAC_UDF = r'''
import hashlib, hmac
import pyarrow as pa
def register_hmac(con, key_hex, source, column):
    """A table `masks(clear, masked)` with Strata's `hash` of every distinct value of `column`:
    HMAC-SHA-256 of the text, its first 16 bytes as lower-case hex. (DuckDB has no HMAC, and its
    Python UDFs need numpy, which the oracle environment does not have; a join does the same.)"""
    key = bytes.fromhex(key_hex)
    clear = [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM {source} WHERE {column} IS NOT NULL").fetchall()]
    masked = [hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:32] for v in clear]
    con.register("masks", pa.table({"clear": pa.array(clear, pa.string()), "masked": pa.array(masked, pa.string())}))
'''

DUCKDB_CLEAN = HMAC_UDF + r'''
import duckdb, json, sys
files, out, key = json.loads(open(sys.argv[1]).read()), sys.argv[2], sys.argv[3]
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
con.execute("SET threads=2")
def src(t):
    return "read_parquet([" + ", ".join("'" + f + "'" for f in files[t]) + "], union_by_name=true)"
register_hmac(con, key, src("users"), "lower(trim(email))")
meta = "EXCLUDE (_ingested_at, _source_file, _run_id)"
def copy(sql, name):
    con.execute(f"COPY ({sql}) TO '{out}/{name}.parquet' (FORMAT parquet, COMPRESSION gzip)")
copy(f"""SELECT u.* {meta} REPLACE (m.masked AS email, upper(country) AS country)
         FROM (SELECT DISTINCT ON (user_id) * FROM {src('users')}) u LEFT JOIN masks m ON lower(trim(u.email)) = m.clear""", "users")
copy(f"""SELECT * {meta} REPLACE (coalesce(category, 'Uncategorized') AS category)
         FROM (SELECT DISTINCT ON (product_id) * FROM {src('products')})""", "products")
copy(f"""SELECT * {meta} REPLACE (CAST(quantity AS BIGINT) AS quantity, CAST(amount AS DECIMAL(12,2)) AS amount,
                                  lower(status) AS status), CAST(created_at AS DATE) AS order_date
         FROM (SELECT DISTINCT ON (transaction_id) * FROM {src('transactions')})
         WHERE amount >= 0 AND quantity > 0""", "transactions")
copy(f"""SELECT * {meta}, CAST(ts AS DATE) AS event_date
         FROM (SELECT DISTINCT ON (event_id) * FROM {src('clickstream')}) WHERE ts IS NOT NULL""", "clickstream")
'''


def run_duckdb_clean(work, files_json):
    out = os.path.join(work, "duckdb-silver")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    m = measure([PYTHON, "-c", DUCKDB_CLEAN, files_json, out, MASK_KEY], cwd=work)
    import duckdb
    m["rows_out"] = sum(duckdb.connect().execute(f"SELECT count(*) FROM '{out}/{t}.parquet'").fetchone()[0] for t in TABLES)
    m["out_bytes"] = dir_bytes(out)
    m["out_dir"] = out
    return m


SPARK_CLEAN = r'''
import hashlib, hmac, json, sys
from pyspark.sql import SparkSession
from pyspark.sql.types import StringType
files, out, key = json.loads(open(sys.argv[1]).read()), sys.argv[2], bytes.fromhex(sys.argv[3])
spark = SparkSession.builder.master("local[2]").appName("strata-bench").getOrCreate()
spark.udf.register("strata_hash", lambda v: None if v is None else hmac.new(key, v.encode(), hashlib.sha256).hexdigest()[:32], StringType())
for t in files:
    spark.read.option("mergeSchema", True).parquet(*files[t]).drop("_ingested_at", "_source_file", "_run_id").createOrReplaceTempView("b_" + t)
def write(sql, name):
    spark.sql(sql).write.mode("overwrite").option("compression", "gzip").parquet(f"{out}/{name}")
u = spark.table("b_users").dropDuplicates(["user_id"]); u.createOrReplaceTempView("u")
write("SELECT * EXCEPT (email, country), strata_hash(lower(trim(email))) AS email, upper(country) AS country FROM u", "users")
spark.table("b_products").dropDuplicates(["product_id"]).createOrReplaceTempView("p")
write("SELECT * EXCEPT (category), coalesce(category, 'Uncategorized') AS category FROM p", "products")
spark.table("b_transactions").dropDuplicates(["transaction_id"]).createOrReplaceTempView("t")
write("""SELECT * EXCEPT (status), lower(status) AS status, CAST(created_at AS DATE) AS order_date FROM t
         WHERE amount >= 0 AND quantity > 0""", "transactions")
spark.table("b_clickstream").dropDuplicates(["event_id"]).createOrReplaceTempView("c")
write("SELECT *, CAST(ts AS DATE) AS event_date FROM c WHERE ts IS NOT NULL", "clickstream")
spark.stop()
'''


def run_spark_clean(work, files_json):
    out = os.path.join(work, "spark-silver")
    shutil.rmtree(out, ignore_errors=True)
    m = measure([PYTHON, "-c", SPARK_CLEAN, files_json, out, MASK_KEY], cwd=work)
    m["rows_out"] = None
    m["out_bytes"] = dir_bytes(out)
    return m


CHECK_CLEAN = r'''
import duckdb, json, sys
strata, duck, bronze = json.loads(open(sys.argv[1]).read()), sys.argv[2], json.loads(open(sys.argv[3]).read())
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
def s(t): return "read_parquet([" + ", ".join("'" + f + "'" for f in strata[t]) + "], union_by_name=true)"
def b(t): return "read_parquet([" + ", ".join("'" + f + "'" for f in bronze[t]) + "], union_by_name=true)"
def d(t): return f"read_parquet('{duck}/{t}.parquet')"
keys = {"users": "user_id", "products": "product_id", "transactions": "transaction_id", "clickstream": "event_id"}
problems, facts = [], {}
for t, k in keys.items():
    a = con.execute(f"SELECT count(*), count(DISTINCT {k}) FROM {s(t)}").fetchone()
    c = con.execute(f"SELECT count(*), count(DISTINCT {k}) FROM {d(t)}").fetchone()
    facts[t] = {"strata_rows": a[0], "duckdb_rows": c[0]}
    if a[0] != a[1]: problems.append(f"silver.{t}: {a[0]} rows but {a[1]} distinct {k}")
    # Keys whose bronze rows differ (near-duplicates) may keep another row in DuckDB (DISTINCT ON
    # keeps any row; Strata the first): the filters may then decide differently for that key.
    amb = con.execute(f"SELECT count(*) FROM (SELECT {k} FROM (SELECT DISTINCT * EXCLUDE (_ingested_at, _source_file, _run_id) FROM {b(t)}) GROUP BY {k} HAVING count(*) > 1)").fetchone()[0]
    facts[t]["ambiguous_keys"] = amb
    if abs(a[0] - c[0]) > amb: problems.append(f"silver.{t}: Strata has {a[0]} rows, DuckDB {c[0]} (only {amb} keys are ambiguous)")
# The masked e-mails: Strata's governance HMAC must equal the UDF's for every unambiguous user.
n, bad = con.execute(f"""WITH amb AS (SELECT user_id FROM (SELECT DISTINCT * EXCLUDE (_ingested_at, _source_file, _run_id) FROM {b('users')}) GROUP BY 1 HAVING count(*) > 1)
    SELECT count(*), count(*) FILTER (WHERE s.email IS DISTINCT FROM d.email) FROM {s('users')} s JOIN {d('users')} d USING (user_id)
    WHERE user_id NOT IN (SELECT user_id FROM amb)""").fetchone()
facts["users"]["emails_compared"] = n
if bad or n == 0: problems.append(f"silver.users: {bad} of {n} masked e-mails differ between Strata's hash and the HMAC UDF")
print(json.dumps({"problems": problems, "facts": facts}))
'''


def stage_clean(args, proj, work, mach):
    lake = os.path.join(proj, "lake")
    if not all(os.path.isdir(os.path.join(lake, "bronze", t)) for t in TABLES):
        print("clean: writing the bronze tables first (untimed) ...", file=sys.stderr)
        run_strata(proj, BRONZE, ["bronze", "silver", "gold", "quarantine", "_state", "_audit"])
    bronze = {t: delta_files(lake, f"bronze/{t}") for t in TABLES}
    bronze_json = os.path.join(work, "bronze-files.json")
    with open(bronze_json, "w") as f:
        json.dump(bronze, f)
    input_bytes = sum(os.path.getsize(p) for fs in bronze.values() for p in fs)
    import duckdb
    rows = sum(duckdb.connect().execute("SELECT count(*) FROM read_parquet([" + ", ".join(f"'{p}'" for p in fs) + "], union_by_name=true)").fetchone()[0]
               for fs in bronze.values())
    runners = [("strata", lambda: run_strata(proj, SILVER, ["silver", "gold", "_state"])),
               ("duckdb", lambda: run_duckdb_clean(work, bronze_json))]
    if spark_available():
        runners.append(("pyspark", lambda: run_spark_clean(work, bronze_json)))
    results, load_before = run_interleaved("clean", runners, args.runs)
    silver_json = os.path.join(work, "silver-files.json")
    with open(silver_json, "w") as f:
        json.dump({t: delta_files(lake, f"silver/{t}") for t in TABLES}, f)
    check = json.loads(subprocess.run([PYTHON, "-c", CHECK_CLEAN, silver_json, results["duckdb"][-1]["out_dir"], bronze_json],
                                      check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    if check["problems"]:
        raise SystemExit("clean: Strata's silver and DuckDB's disagree:\n  " + "\n  ".join(check["problems"]))
    return stage_result("clean", args, rows, input_bytes, results, load_before, mach, check=check["facts"])


# ---------------------------------------------------------------------------------------------
# Stage 3: aggregate (silver -> gold), both engines on Strata's silver files

GOLD_SQL = """
SELECT t.order_date, p.category,
       sum(t.amount) AS revenue, count(*) AS orders, sum(t.quantity) AS units,
       count(DISTINCT t.user_id) AS customers, count(DISTINCT u.email) AS customer_emails,
       avg(t.amount) AS avg_order_value
FROM {t} t JOIN {p} p ON t.product_id = p.product_id JOIN {u} u ON t.user_id = u.user_id
WHERE t.status = 'completed'
GROUP BY t.order_date, p.category
"""

DUCKDB_AGGREGATE = r'''
import duckdb, json, sys
files, out, sql = json.loads(open(sys.argv[1]).read()), sys.argv[2], sys.argv[3]
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
con.execute("SET threads=2")
def src(t): return "read_parquet([" + ", ".join("'" + f + "'" for f in files[t]) + "])"
q = sql.format(t=src("transactions"), p=src("products"), u=src("users"))
con.execute(f"COPY ({q}) TO '{out}' (FORMAT parquet, COMPRESSION gzip)")
'''


def run_duckdb_aggregate(work, files_json):
    out = os.path.join(work, "duckdb-gold.parquet")
    if os.path.exists(out):
        os.remove(out)
    m = measure([PYTHON, "-c", DUCKDB_AGGREGATE, files_json, out, GOLD_SQL], cwd=work)
    import duckdb
    m["rows_out"] = duckdb.connect().execute(f"SELECT count(*) FROM '{out}'").fetchone()[0]
    m["out_bytes"] = os.path.getsize(out)
    m["out_file"] = out
    return m


SPARK_AGGREGATE = r'''
import json, sys
from pyspark.sql import SparkSession
files, out, sql = json.loads(open(sys.argv[1]).read()), sys.argv[2], sys.argv[3]
spark = SparkSession.builder.master("local[2]").appName("strata-bench").getOrCreate()
for t in ("transactions", "products", "users"):
    spark.read.parquet(*files[t]).createOrReplaceTempView("s_" + t)
spark.sql(sql.format(t="s_transactions", p="s_products", u="s_users")).write.mode("overwrite").option("compression", "gzip").parquet(out)
spark.stop()
'''


def run_spark_aggregate(work, files_json):
    out = os.path.join(work, "spark-gold")
    shutil.rmtree(out, ignore_errors=True)
    m = measure([PYTHON, "-c", SPARK_AGGREGATE, files_json, out, GOLD_SQL], cwd=work)
    m["rows_out"] = None
    m["out_bytes"] = dir_bytes(out)
    return m


CHECK_GOLD = r'''
import duckdb, json, sys
strata, duck = json.loads(open(sys.argv[1]).read()), sys.argv[2]
con = duckdb.connect()
con.execute("SET enable_progress_bar=false")
s = "read_parquet([" + ", ".join("'" + f + "'" for f in strata) + "])"
n_s = con.execute(f"SELECT count(*) FROM {s}").fetchone()[0]
n_d = con.execute(f"SELECT count(*) FROM '{duck}'").fetchone()[0]
diff = con.execute(f"""SELECT count(*) FROM {s} a FULL OUTER JOIN '{duck}' b
    ON a.order_date = b.order_date AND a.category IS NOT DISTINCT FROM b.category
    WHERE a.order_date IS NULL OR b.order_date IS NULL
       OR a.revenue != b.revenue OR a.orders != b.orders OR a.units != b.units
       OR a.customers != b.customers OR a.customer_emails != b.customer_emails
       OR abs(a.avg_order_value - b.avg_order_value) > 1e-9 * greatest(1, abs(b.avg_order_value))""").fetchone()[0]
print(json.dumps({"strata_rows": n_s, "duckdb_rows": n_d, "differing_rows": diff}))
'''


def stage_aggregate(args, proj, work, mach):
    lake = os.path.join(proj, "lake")
    if not all(os.path.isdir(os.path.join(lake, "silver", t)) for t in TABLES):
        if not all(os.path.isdir(os.path.join(lake, "bronze", t)) for t in TABLES):
            print("aggregate: writing the bronze tables first (untimed) ...", file=sys.stderr)
            run_strata(proj, BRONZE, ["bronze", "silver", "gold", "quarantine", "_state", "_audit"])
        print("aggregate: writing the silver tables first (untimed) ...", file=sys.stderr)
        run_strata(proj, SILVER, ["silver", "gold", "_state"])
    silver = {t: delta_files(lake, f"silver/{t}") for t in ("transactions", "products", "users")}
    silver_json = os.path.join(work, "silver-gold-files.json")
    with open(silver_json, "w") as f:
        json.dump(silver, f)
    input_bytes = sum(os.path.getsize(p) for fs in silver.values() for p in fs)
    import duckdb
    rows = sum(duckdb.connect().execute("SELECT count(*) FROM read_parquet([" + ", ".join(f"'{p}'" for p in fs) + "])").fetchone()[0]
               for fs in silver.values())
    runners = [("strata", lambda: run_strata(proj, GOLD, ["gold"])),
               ("duckdb", lambda: run_duckdb_aggregate(work, silver_json))]
    if spark_available():
        runners.append(("pyspark", lambda: run_spark_aggregate(work, silver_json)))
    results, load_before = run_interleaved("aggregate", runners, args.runs)
    # The gold check comes before any timing is printed: a wrong answer fast is no result.
    gold_json = os.path.join(work, "gold-files.json")
    with open(gold_json, "w") as f:
        json.dump(delta_files(lake, "gold/category_daily"), f)
    check = json.loads(subprocess.run([PYTHON, "-c", CHECK_GOLD, gold_json, results["duckdb"][-1]["out_file"]],
                                      check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    if check["differing_rows"] or check["strata_rows"] != check["duckdb_rows"] or check["strata_rows"] == 0:
        raise SystemExit(f"aggregate: Strata's gold differs from DuckDB's: {json.dumps(check)}")
    print(f"aggregate: gold equal ({check['strata_rows']} rows, Strata = DuckDB)", file=sys.stderr)
    return stage_result("aggregate", args, rows, input_bytes, results, load_before, mach, check=check)


# ---------------------------------------------------------------------------------------------
# Running and summarising

def run_interleaved(stage, runners, runs):
    """Runs every engine `runs` times, interleaved, so a change in machine load hits all alike."""
    load_before = load_average()
    results = {name: [] for name, _ in runners}
    for i in range(runs):
        for name, fn in runners:
            print(f"{stage}: {name} run {i + 1}/{runs} ...", file=sys.stderr)
            results[name].append(fn())
    return results, load_before


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


def stage_result(stage, args, rows, input_bytes, results, load_before, mach, **extra):
    engines = {name: summarize(rs, rows, input_bytes) for name, rs in results.items()}
    if "rows_quarantined" in results["strata"][-1]:
        engines["strata"]["rows_quarantined"] = results["strata"][-1]["rows_quarantined"]
    ratio = round(engines["strata"]["wall_s"] / engines["duckdb"]["wall_s"], 3)
    out = {"stage": stage, "rows": args.rows, "input_rows": rows, "input_mb": round(input_bytes / 1e6, 1),
           "runs": args.runs, "gzip_level": args.level, "engines": engines, "ratio_strata_duckdb": ratio,
           "load_avg_before": load_before, "load_avg_after": load_average(), "machine": mach,
           "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    out.update(extra)
    return out


def stage_ingest(args, data_dir, proj, work, mach):
    files = input_files(data_dir)
    input_bytes = sum(os.path.getsize(f) for f in files)
    rows = 0
    for f in files:  # data rows: lines minus the CSV headers
        with open(f, "rb") as fh:
            n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 24), b""))
        rows += n - (1 if f.endswith(".csv") else 0)
    runners = [("strata", lambda: run_strata(proj, BRONZE, ["bronze", "silver", "gold", "quarantine", "_state", "_audit"])),
               ("duckdb", lambda: run_duckdb_ingest(work, data_dir))]
    if spark_available():
        runners.append(("pyspark", lambda: run_spark_ingest(work, data_dir)))
    results, load_before = run_interleaved("ingest", runners, args.runs)
    return stage_result("ingest", args, rows, input_bytes, results, load_before, mach)


# ---------------------------------------------------------------------------------------------
# Output

def print_table(results):
    head = f"{'stage':<10} {'engine':<8} {'wall s':>8} {'cpu s':>7} {'cores':>5} {'rows/s':>11} {'in MB/s':>8} {'peak RSS MB':>11} {'out MB':>7} {'vs DuckDB':>9}"
    print(head)
    print("-" * len(head))
    for r in results:
        duck = r["engines"]["duckdb"]["wall_s"]
        for name, e in r["engines"].items():
            ratio = e["wall_s"] / duck if duck else float("nan")
            print(f"{r['stage']:<10} {name:<8} {e['wall_s']:>8.2f} {e['cpu_s']:>7.2f} {e['cores_busy']:>5.2f} "
                  f"{e['rows_per_s']:>11,} {e['input_mb_per_s']:>8.1f} {e['peak_rss_mb']:>11.1f} {e['output_mb']:>7.1f} {ratio:>9.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000, help="transactions to generate (default 5,000,000)")
    ap.add_argument("--only", choices=["ingest", "clean", "aggregate", "engines"],
                    help="run one stage (engines: native against --engine spark, bench/engines.py)")
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
    proj = strata_project(work, data_dir, args.level)
    stages = [args.only] if args.only else ["ingest", "clean", "aggregate"]
    results = []
    if stages == ["engines"]:
        import engines
        try:
            r = engines.stage(args, proj, work, mach)
        finally:
            if not args.work:
                shutil.rmtree(work, ignore_errors=True)
        engines.print_table(r)
        print(json.dumps(r, sort_keys=True))
        return
    try:
        for stage in stages:
            if stage == "ingest":
                results.append(stage_ingest(args, data_dir, proj, work, mach))
            elif stage == "clean":
                results.append(stage_clean(args, proj, work, mach))
            else:
                results.append(stage_aggregate(args, proj, work, mach))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print_table(results)
    for r in results:
        print(json.dumps(r, sort_keys=True))


if __name__ == "__main__":
    main()
