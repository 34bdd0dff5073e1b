"""Merge increments: a 5 % increment (mostly new keys, some updates of recent keys) merged
into an N-row silver table (`mode: merge, keys: [id]`), timing only the silver pipeline.

Prints per binary the median wall time of the merge run, the files it removed and added and the
bytes it wrote, after checking the merged table with pyarrow (row count, distinct keys, updated
values). `--baseline PATH` times a second strata binary interleaved with this one.

Run: bench/merge [--rows N] [--runs N] [--baseline PATH]
"""
import argparse, glob, json, os, random, shutil, statistics, subprocess, sys, tempfile, time
sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402

PIPELINES = """version: 1
policies: none
pipelines:
  bronze_orders:
    source:
      type: csv
      path: landing/*.csv
      schema:
        id: int64 not null
        customer: string
        amount: "decimal(12,2)"
        status: string
    sink: {type: table, table: bronze.orders}
  silver_orders:
    source: {type: table, table: bronze.orders}
    transforms:
      - {type: select, columns: [id, customer, amount, status]}
    sink: {type: table, table: silver.orders, mode: merge, keys: [id]FILEROWS}
"""


def write_csv(path, rows):
    with open(path, "w") as f:
        f.write("id,customer,amount,status\n")
        for i, c, a, s in rows:
            f.write(f"{i},c{c},{a},{s}\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline", help="another strata binary to time the same way")
    ap.add_argument("--file-rows", type=int, help="max_file_rows of the silver table (default: the sink's default)")
    args = ap.parse_args()
    binaries = [("strata", bench.STRATA)] + ([("baseline", args.baseline)] if args.baseline else [])
    work = tempfile.mkdtemp(prefix="strata-merge-")
    rnd = random.Random(7)
    n = args.rows
    k = n // 20
    updates = k // 50
    try:
        base = os.path.join(work, "base")
        os.makedirs(base + "/landing")
        with open(base + "/pipelines.yaml", "w") as f:
            f.write(PIPELINES.replace("FILEROWS", f", max_file_rows: {args.file_rows}" if args.file_rows else ""))
        write_csv(base + "/landing/a.csv", ((i, i % 9973, f"{i % 100000}.25", "new") for i in range(n)))
        inc = os.path.join(work, "increment.csv")
        updated = sorted(rnd.sample(range(n - k, n), updates))
        write_csv(inc, [(i, 1, "1.50", "updated") for i in updated] + [(i, i % 9973, "2.75", "new") for i in range(n, n + k - updates)])
        # The base lake, built once per binary (its layout is the binary's own).
        prepared = {}
        for name, exe in binaries:
            proj = os.path.join(work, "p-" + name)
            shutil.copytree(base, proj)
            subprocess.run([exe, "run", "--quiet"], cwd=proj, check=True, capture_output=True)
            shutil.copy(inc, proj + "/landing/b.csv")
            subprocess.run([exe, "run", "--quiet", "bronze_orders"], cwd=proj, check=True, capture_output=True)
            pristine = proj + ".lake"
            shutil.copytree(proj + "/datalake", pristine)
            prepared[name] = (exe, proj, pristine)
        results = {name: [] for name, _ in binaries}
        for run in range(args.runs):
            for name, (exe, proj, pristine) in prepared.items():
                shutil.rmtree(proj + "/datalake")
                shutil.copytree(pristine, proj + "/datalake")
                m = bench.measure([exe, "--json", "run", "--quiet", "silver_orders"], cwd=proj)
                log = sorted(glob.glob(proj + "/datalake/silver/orders/_delta_log/*.json"))[-1]
                actions = [json.loads(l) for l in open(log)]
                m["removed"] = sum("remove" in a for a in actions)
                m["added"] = sum("add" in a for a in actions)
                m["written"] = sum(a["add"]["size"] for a in actions if "add" in a)
                results[name].append(m)
                print(f"run {run + 1} {name}: {m['wall']:.2f} s, removed {m['removed']}, added {m['added']}, wrote {m['written'] / 1e6:.1f} MB", file=sys.stderr)
                from deltalake import DeltaTable
                t = DeltaTable(proj + "/datalake/silver/orders").to_pyarrow_table()
                ids = t.column("id").to_pylist()
                assert len(ids) == n + k - updates == len(set(ids)), (len(ids), len(set(ids)))
                assert t.column("status").to_pylist().count("updated") == updates
        print(f"\nmerge of {k:,} rows ({k - updates:,} new keys, {updates:,} updates) into {n:,} rows; silver pipeline only"
              + (f"; max_file_rows {args.file_rows:,}" if args.file_rows else ""))
        print("| binary | wall s (runs) | CPU s | files removed | files added | MB written |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, ms in results.items():
            walls = [m["wall"] for m in ms]
            print(f"| {name} | {statistics.median(walls):.2f} ({', '.join(f'{w:.2f}' for w in walls)}) | {statistics.median(m['cpu'] for m in ms):.1f} | "
                  f"{ms[0]['removed']} | {ms[0]['added']} | {ms[0]['written'] / 1e6:.1f} |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
