"""Parquet codecs on Strata's ingest stage: GZIP (level 1), ZSTD (level 1), SNAPPY, none.

For each codec, the bronze pipelines of the benchmark's e-commerce data run from scratch, the
codecs interleaved run by run; prints each codec's median wall time, CPU seconds, bronze bytes
and rows/s, after checking that pyarrow reads every bronze table to the same row count.

Run: bench/codecs [--rows N] [--runs N]   (builds the release binary first)
"""
import argparse, json, os, shutil, statistics, sys, tempfile
sys.path.insert(0, os.path.dirname(__file__))
import bench  # noqa: E402

CODECS = ["gzip", "zstd", "snappy", "none"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2_000_000, help="transactions to generate (default 2,000,000)")
    ap.add_argument("--runs", type=int, default=3, help="runs per codec; wall time is the median (default 3)")
    args = ap.parse_args()
    data_dir = bench.ensure_data(args.rows, f"/tmp/strata-bench/ecommerce-{args.rows}")
    files = bench.input_files(data_dir)
    input_bytes = sum(os.path.getsize(f) for f in files)
    work = tempfile.mkdtemp(prefix="strata-codecs-")
    print(f"machine: {bench.machine()['nproc']} cores; load average {bench.load_average()}", file=sys.stderr)
    results = {c: [] for c in CODECS}
    try:
        projects = {c: bench.strata_project(os.path.join(work, c), data_dir, 1, codec=c) for c in CODECS}
        for run in range(args.runs):
            for c in CODECS:
                m = bench.run_strata(projects[c], bench.BRONZE, ["bronze", "silver", "gold", "quarantine", "_state", "_audit"])
                results[c].append(m)
                print(f"run {run + 1} {c}: {m['wall']:.2f} s, {m['out_bytes'] / 1e6:.1f} MB", file=sys.stderr)
        import pyarrow.parquet as pq, glob
        counts = {}
        for c in CODECS:
            lake = os.path.join(projects[c], "lake", "bronze")
            counts[c] = {t: sum(pq.ParquetFile(f).metadata.num_rows for f in glob.glob(f"{lake}/{t}/**/*.parquet", recursive=True)
                                if "_delta_log" not in f) for t in sorted(os.listdir(lake))}
        assert all(counts[c] == counts["gzip"] for c in CODECS), counts
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.rows:,} transactions, input {input_bytes / 1e6:,.0f} MB; bronze rows {sum(counts['gzip'].values()):,} (equal for every codec)")
    print("| codec | wall s (runs) | CPU s | bronze MB | vs gzip size | rows/s |")
    print("|---|---:|---:|---:|---:|---:|")
    base = statistics.median(m["out_bytes"] for m in results["gzip"])
    rows = results["gzip"][0]["rows_out"]
    for c in CODECS:
        walls = [m["wall"] for m in results[c]]
        med = statistics.median(walls)
        size = statistics.median(m["out_bytes"] for m in results[c])
        cpu = statistics.median(m["cpu"] for m in results[c])
        print(f"| {c} | {med:.2f} ({', '.join(f'{w:.2f}' for w in walls)}) | {cpu:.1f} | {size / 1e6:,.1f} | {size / base:.2f} | {rows / med:,.0f} |")
        print(json.dumps({"codec": c, "walls": walls, "cpu": cpu, "bytes": size, "rows": rows}), file=sys.stderr)


if __name__ == "__main__":
    main()
