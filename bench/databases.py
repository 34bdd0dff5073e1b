"""Extraction from PostgreSQL and MariaDB: an N-row table (bigint id, text customer,
decimal(12,2) amount, text status, a timestamp created_at) read by the `postgres` / `mysql` source
into a bronze table, against each database's own client writing the same rows to a file as text
(`psql -c "\\copy (SELECT * FROM orders) TO file CSV"`, `mariadb --quick -B -e "SELECT * FROM
orders" > file`).

Starts throwaway servers with scripts/db-servers (its own state folder), loads the rows, then
per run times the whole process and its peak RSS (wait4), A/B interleaved, and checks the bronze
table's row count and amount sum with pyarrow against the database's.

With PostgreSQL it also times the `postgres` sink: the extracted bronze table served back into
a PostgreSQL table with a primary key (`mode: overwrite`, `keys: [id]`, a full republish per run),
against `psql -c "\\copy … FROM file CSV"` into a fresh table with the same primary key; the
served table's row count and amount sum are checked against the source table's.

Run: bench/databases [--rows N] [--runs N] [--fetch-rows N] [--only postgres|mysql]
"""
import argparse, os, shutil, statistics, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHECK = """
import sys
from deltalake import DeltaTable
import pyarrow.compute as pc
t = DeltaTable(sys.argv[1]).to_pyarrow_table(columns=["amount"])
print(t.num_rows, pc.sum(t["amount"]).as_py())
"""


def postgres(env, rows, work):
    dsn, password = env["STRATA_TEST_POSTGRES"], env["STRATA_TEST_POSTGRES_PASSWORD"]
    penv = dict(env, PGPASSWORD=password)

    def sql(q):
        return subprocess.run(["psql", dsn, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", q], env=penv,
                              check=True, capture_output=True, text=True).stdout.strip()

    sql("CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(12,2), status text, created_at timestamptz)")
    sql(f"INSERT INTO orders SELECT g, 'customer-' || (g % 99991), (g % 100000) / 4.0, "
        f"(ARRAY['paid','refunded','cancelled'])[1 + g % 3], timestamptz '2026-01-01' + g * interval '1 second' "
        f"FROM generate_series(1, {rows}) g")
    sql("VACUUM ANALYZE orders")
    out = os.path.join(work, "pg.csv")
    return {"dsn": dsn, "password": password, "expected": sql("SELECT count(*) || ' ' || sum(amount) FROM orders"),
            "size_mb": int(sql("SELECT pg_total_relation_size('orders')")) / 1e6,
            "anchor_name": "psql \\copy", "anchor_env": penv,
            "anchor": ["psql", dsn, "-X", "-q", "-c", f"\\copy (SELECT * FROM orders) TO '{out}' CSV"]}


def mysql(env, rows, work):
    dsn, password = env["STRATA_TEST_MYSQL"], env["STRATA_TEST_MYSQL_PASSWORD"]
    port = dsn.split("port=")[1].split()[0]
    menv = dict(env, MYSQL_PWD=password)
    client = ["mariadb", "--no-defaults", "-h", "127.0.0.1", "-P", port, "-u", "strata", "-N", "-B"]

    def sql(q, db="bench"):
        return subprocess.run(client + [db, "-e", q], env=menv, check=True, capture_output=True, text=True).stdout.strip()

    subprocess.run(client + ["-e", "CREATE DATABASE bench"], env=menv, check=True)
    sql("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer TEXT, amount DECIMAL(12,2), status VARCHAR(16), created_at TIMESTAMP NULL) ENGINE=InnoDB")
    step = 1_000_000
    for lo in range(1, rows + 1, step):
        hi = min(rows, lo + step - 1)
        sql(f"INSERT INTO orders SELECT seq, CONCAT('customer-', seq % 99991), (seq % 100000) / 4.0, "
            f"ELT(1 + seq % 3, 'paid', 'refunded', 'cancelled'), TIMESTAMP('2026-01-01') + INTERVAL seq SECOND FROM seq_{lo}_to_{hi}")
    sql("ANALYZE TABLE orders")
    size = sql("SELECT data_length + index_length FROM information_schema.tables WHERE table_schema = 'bench' AND table_name = 'orders'")
    out = os.path.join(work, "my.tsv")
    return {"dsn": dsn + " dbname=bench", "password": password, "expected": sql("SELECT CONCAT(count(*), ' ', sum(amount)) FROM orders"),
            "size_mb": int(size) / 1e6, "anchor_name": "mariadb --quick -B", "anchor_env": menv,
            "anchor": ["sh", "-c", " ".join(client) + f" --quick bench -e 'SELECT * FROM orders' > '{out}'"]}


def report(label, results, rows):
    """One table row per reader: median wall (every run's), rows/s, median CPU, peak RSS."""
    for name, rs in results.items():
        wall = statistics.median(r["wall"] for r in rs)
        walls = ", ".join("%.2f" % r["wall"] for r in rs)
        cpu = statistics.median(r["cpu"] for r in rs)
        rss = max(r["rss_mb"] for r in rs)
        print(f"| {label} | {name} | {wall:.2f} ({walls}) | {rows / wall:,.0f} | {cpu:.1f} | {rss:.0f} |")


def serve(db, proj, senv, work, args):
    """The sink: bronze.orders published to PostgreSQL, against psql \\copy FROM the CSV the anchor wrote."""
    penv = db["anchor_env"]

    def sql(q):
        return subprocess.run(["psql", db["dsn"], "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", q], env=penv,
                              check=True, capture_output=True, text=True).stdout.strip()

    csv = os.path.join(work, "pg.csv")
    results = {"strata": [], "psql \\copy FROM": []}
    for _ in range(args.runs):
        results["strata"].append(bench.measure([bench.STRATA, "run", "--quiet", "--full-refresh", "serve"], proj, senv))
        got = sql("SELECT count(*) || ' ' || sum(amount) FROM served_orders")
        if got != db["expected"]:
            raise SystemExit(f"postgres sink: the served table differs from the source table: {got} vs {db['expected']}")
        sql("DROP TABLE IF EXISTS anchor_orders; CREATE TABLE anchor_orders (id bigint PRIMARY KEY, customer text, "
            "amount numeric(12,2), status text, created_at timestamptz)")
        results["psql \\copy FROM"].append(bench.measure(["psql", db["dsn"], "-X", "-q", "-c", f"\\copy anchor_orders FROM '{csv}' CSV"],
                                                          work, penv))
    report("postgres sink", results, args.rows)
    print(f"checked: served_orders has the source table's {db['expected'].split()[0]} rows and amount sum {db['expected'].split()[1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--fetch-rows", type=int, default=10_000)
    ap.add_argument("--only", choices=["postgres", "mysql"])
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="strata-db-bench-")
    env = dict(os.environ, STRATA_DB_SERVERS_STATE=work + "/servers")
    servers = os.path.join(ROOT, "scripts", "db-servers")
    try:
        out = subprocess.run([servers, "start"], env=env, check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            k, v = line.removeprefix("export ").split("=", 1)
            env[k] = v.strip("'")
        print(f"{args.rows:,} rows, fetch_rows {args.fetch_rows}, {args.runs} runs; load average {bench.load_average()}")
        print("| database | reader | wall s median (runs) | rows/s | CPU s | peak RSS MB |")
        print("|---|---|---:|---:|---:|---:|")
        for kind, load in [("postgres", postgres), ("mysql", mysql)]:
            if args.only and args.only != kind:
                continue
            db = load(env, args.rows, work)
            proj = os.path.join(work, kind)
            os.makedirs(proj)
            with open(proj + "/pipelines.yaml", "w") as f:
                f.write(f"""version: 1
policies: none
pipelines:
  extract:
    source:
      type: {kind}
      dsn: {db["dsn"]}
      password_env: BENCH_DB_PASSWORD
      table: orders
      fetch_rows: {args.fetch_rows}
    sink: {{type: table, table: bronze.orders}}
""" + (f"""  serve:
    source: {{type: table, table: bronze.orders, incremental: false}}
    transforms:
      - {{type: select, columns: [id, customer, amount, status, created_at]}}
    sink:
      type: postgres
      dsn: {db["dsn"]}
      password_env: BENCH_DB_PASSWORD
      table: served_orders
      keys: [id]
""" if kind == "postgres" else ""))
            senv = dict(env, BENCH_DB_PASSWORD=db["password"])
            results = {"strata": [], db["anchor_name"]: []}
            for _ in range(args.runs):
                shutil.rmtree(proj + "/datalake", ignore_errors=True)
                shutil.rmtree(proj + "/lineage", ignore_errors=True)
                results["strata"].append(bench.measure([bench.STRATA, "run", "--quiet", "extract"], proj, senv))
                results[db["anchor_name"]].append(bench.measure(db["anchor"], work, db["anchor_env"]))
                got = subprocess.run([bench.PYTHON, "-c", CHECK, proj + "/datalake/bronze/orders"],
                                     check=True, capture_output=True, text=True).stdout.strip()
                if got != db["expected"]:
                    raise SystemExit(f"{kind}: the bronze table differs from the database: {got} vs {db['expected']}")
            report(f"{kind} ({db['size_mb']:.0f} MB)", results, args.rows)
            n, total = db["expected"].split()
            print(f"checked: {kind} bronze.orders has the database's {n} rows and amount sum {total}")
            if kind == "postgres":
                serve(db, proj, senv, work, args)

    finally:
        subprocess.run([servers, "stop"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
