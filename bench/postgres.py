"""Extraction from PostgreSQL: an N-row table (bigint id, text customer, numeric(12,2) amount,
text status, timestamptz created_at) read by the `postgres` source into a bronze table, against
the anchor `psql -c "\\copy (SELECT * FROM orders) TO file CSV"` (the server's own COPY to a file).

Starts a throwaway server with scripts/db-servers (its own state folder), loads the rows with
generate_series, then per run times the whole process and its peak RSS (wait4), A/B interleaved,
and checks the bronze table's row count and amount sum with pyarrow against the database's.

Run: bench/postgres [--rows N] [--runs N] [--fetch-rows N]
"""
import argparse, json, os, shutil, statistics, subprocess, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--fetch-rows", type=int, default=10_000)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="strata-pg-bench-")
    env = dict(os.environ, STRATA_DB_SERVERS_STATE=work + "/servers")
    servers = os.path.join(ROOT, "scripts", "db-servers")
    try:
        out = subprocess.run([servers, "start"], env=env, check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            k, v = line.removeprefix("export ").split("=", 1)
            env[k] = v.strip("'")
        dsn, password = env["STRATA_TEST_POSTGRES"], env["STRATA_TEST_POSTGRES_PASSWORD"]
        penv = dict(env, PGPASSWORD=password)

        def psql(sql):
            return subprocess.run(["psql", dsn, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], env=penv,
                                  check=True, capture_output=True, text=True).stdout.strip()

        psql("CREATE TABLE orders (id bigint PRIMARY KEY, customer text, amount numeric(12,2), status text, created_at timestamptz)")
        psql(f"INSERT INTO orders SELECT g, 'customer-' || (g % 99991), (g % 100000) / 4.0, "
             f"(ARRAY['paid','refunded','cancelled'])[1 + g % 3], timestamptz '2026-01-01' + g * interval '1 second' "
             f"FROM generate_series(1, {args.rows}) g")
        psql("VACUUM ANALYZE orders")
        expected = psql("SELECT count(*) || ' ' || sum(amount) FROM orders")
        table_mb = int(psql("SELECT pg_total_relation_size('orders')")) / 1e6
        proj = os.path.join(work, "proj")
        os.makedirs(proj)
        with open(proj + "/pipelines.yaml", "w") as f:
            f.write(f"""version: 1
policies: none
pipelines:
  extract:
    source:
      type: postgres
      dsn: {dsn}
      password_env: BENCH_PG_PASSWORD
      table: orders
      fetch_rows: {args.fetch_rows}
    sink: {{type: table, table: bronze.orders}}
""")
        senv = dict(env, BENCH_PG_PASSWORD=password)
        results = {"strata": [], "psql \\copy": []}
        for run in range(args.runs):
            shutil.rmtree(proj + "/datalake", ignore_errors=True)
            shutil.rmtree(proj + "/lineage", ignore_errors=True)
            results["strata"].append(bench.measure([bench.STRATA, "run", "--quiet"], proj, senv))
            csv = os.path.join(work, "orders.csv")
            results["psql \\copy"].append(bench.measure(["psql", dsn, "-X", "-q", "-c", f"\\copy (SELECT * FROM orders) TO '{csv}' CSV"], work, penv))
            got = subprocess.run([bench.PYTHON, "-c", """
import sys
from deltalake import DeltaTable
import pyarrow.compute as pc
t = DeltaTable(sys.argv[1]).to_pyarrow_table(columns=["amount"])
print(t.num_rows, pc.sum(t["amount"]).as_py())
""", proj + "/datalake/bronze/orders"], check=True, capture_output=True, text=True).stdout.strip()
            if got != expected:
                raise SystemExit(f"the bronze table differs from the database: {got} vs {expected}")
        print(f"{args.rows:,} rows ({table_mb:.0f} MB in PostgreSQL), fetch_rows {args.fetch_rows}, {args.runs} runs; load average {bench.load_average()}")
        print("| reader | wall s median (runs) | rows/s | CPU s | peak RSS MB |")
        print("|---|---:|---:|---:|---:|")
        for name, rs in results.items():
            wall = statistics.median(r["wall"] for r in rs)
            walls = ", ".join("%.2f" % r["wall"] for r in rs)
            cpu = statistics.median(r["cpu"] for r in rs)
            rss = max(r["rss_mb"] for r in rs)
            print(f"| {name} | {wall:.2f} ({walls}) | {args.rows / wall:,.0f} | {cpu:.1f} | {rss:.0f} |")
        n, total = expected.split()
        print(f"checked: bronze.orders has the database's {n} rows and amount sum {total}")
    finally:
        subprocess.run([servers, "stop"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
