import StrataCore

/// The fixed parts of a compiled PySpark program: the header that says how to run it, and the
/// helpers the compiled steps call (reading a table's exact files, checks, rejects, masks).
enum SparkProgram {
    static func header(pipeline: String, target: TableRef, reads: [TableRef]) -> String {
        """
        #!/usr/bin/env python3
        # Strata pipeline `\(pipeline)` (writes \(target)), compiled for Apache Spark by `strata compile`.
        #
        # Run it as any PySpark job:   spark-submit \(pipeline).py JOB.json
        # JOB.json names what to read and where to write (`strata run --engine spark` writes it):
        #   {"inputs": [{"table": "\(reads.first?.description ?? "silver.table")", "files": [{"path": "/lake/.../part-0.parquet", "partition": {}}]}],
        #    "output": "/tmp/out", "rejects": "/tmp/rejects", "report": "/tmp/report.json",
        #    "now": "2026-01-31 12:00:00.000000"}
        # Mask keys come from the environment at submit time, never from this file:
        #   STRATA_MASK_KEY   the lake's mask key (hex), for hash
        # The output holds the table's rows as stored (masked by the write's layer gate); Strata
        # reads them back and commits them through its governed commit path (audit, Delta, lineage).
        import json
        import os
        import socket
        import sys

        from pyspark.sql import SparkSession, Window, functions as F
        from pyspark.sql.types import StringType

        JOB = json.load(open(sys.argv[1]))
        spark = (SparkSession.builder.appName(\(SparkJob.python("strata " + pipeline)))
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.sql.ansi.enabled", "true")
                 .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                 .getOrCreate())
        # The run's clock: now() and current_date() are the same instant on every row, as natively.
        spark.sql("DECLARE OR REPLACE VARIABLE strata_now TIMESTAMP DEFAULT TIMESTAMP '" + JOB["now"] + "'")
        spark.sparkContext.setLogLevel("ERROR")
        # exp, log, log10 and pow from the C library, as Strata computes them (Java's can differ in the last digit).
        def _c_math(name, *args):
            import ctypes
            libm = ctypes.CDLL("libm.so.6")
            f = getattr(libm, name)
            f.restype = ctypes.c_double
            f.argtypes = [ctypes.c_double] * len(args)
            return f(*args)
        spark.udf.register("c_math", lambda name, x: None if x is None else _c_math(name, x), "double")
        spark.udf.register("c_math2", lambda name, x, y: None if x is None or y is None else _c_math(name, x, y), "double")
        # The run's sealing key (strata run sets it; by hand there is none): the raw values Strata must
        # see but no file may hold in clear (the masked columns' values for the PII detector, rejected
        # rows for the quarantine) are written sealed with it (AES-256-GCM), never in clear.
        SEAL = os.environ.get("STRATA_SEAL_KEY")
        SEAL_DF = spark.createDataFrame([(bytearray.fromhex(SEAL),)], "__seal BINARY") if SEAL else None
        REJECTS = []
        REPORT = {"checks": [], "warnings": [], "spark_version": spark.version}

        """ + helpers
    }

    static let helpers = #"""
    def read_table(name, ddl):
        """The rows of the files the job names for table `name`, in Strata's read order: `__seq` is
        [the table's position, the file's position in the job, the row's index in its file], and
        grows as joins add the other side's. Files are read together, one read per set of
        partition values (which Delta keeps out of the files)."""
        names = [t["table"] for t in JOB["inputs"]]
        files = JOB["inputs"][names.index(name)]["files"] if name in names else []
        schema = spark.createDataFrame([], ddl).schema
        table = names.index(name) if name in names else 0
        groups = {}
        for index, f in enumerate(files):
            key = json.dumps(f.get("partition", {}), sort_keys=True)
            groups.setdefault(key, []).append((index, f))
        parts = []
        for key, members in groups.items():
            partition = json.loads(key)
            stored = [c for c in schema.fieldNames() if c not in partition]
            df = spark.read.schema(", ".join(ddl_of(schema, stored))).parquet(*[f["path"] for _, f in members])
            for column, value in partition.items():
                df = df.withColumn(column, F.lit(value).cast(schema[column].dataType))
            position = F.create_map(*[x for i, f in members for x in (F.lit(os.path.basename(f["path"])), F.lit(i))])
            df = df.withColumn("__seq", F.array(F.lit(table).cast("bigint"), position[F.col("_metadata.file_name")].cast("bigint"),
                                                F.col("_metadata.row_index").cast("bigint")))
            parts.append(df.select(*[quoted(c) for c in schema.fieldNames()], "__seq"))
        if not parts:
            return spark.createDataFrame([], ddl).withColumn("__seq", F.array(F.lit(0).cast("bigint")))
        out = parts[0]
        for p in parts[1:]:
            out = out.unionByName(p)
        return out


    def ddl_of(schema, columns):
        return ["`" + c.replace("`", "``") + "` " + schema[c].dataType.simpleString() for c in columns]


    def quoted(c):
        return F.col("`" + c.replace("`", "``") + "`")


    def with_seal(df):
        return df.crossJoin(F.broadcast(SEAL_DF)) if SEAL else df


    def sealed(column):
        """The value sealed with the run's key, or NULL when the job runs without one."""
        if not SEAL:
            return F.lit(None).cast("binary")
        return F.aes_encrypt(column.cast("binary"), F.col("__seal"), F.lit("GCM"))


    def raw_columns(names):
        """The masked columns' values before the mask, sealed, for Strata's PII detector."""
        return [sealed(quoted(n)).alias("__raw_" + n) for n in names] if SEAL else []


    def expect(df, checks):
        """Data-quality checks as Strata runs them: every check sees every row and counts its
        failures; fail stops the job, drop removes rows, quarantine rejects a row with the first
        quarantine check it fails, warn only reports."""
        for i, c in enumerate(checks):
            df = df.withColumn("__ok%d" % i, F.expr(c["ok"]))
        df = df.cache()
        counts = df.agg(F.count(F.lit(1)).alias("rows"),
                        *[F.sum(F.when(~F.col("__ok%d" % i), 1).otherwise(0)).alias("f%d" % i) for i in range(len(checks))]).collect()[0]
        rows = counts["rows"]
        keep = F.lit(True)
        reason = F.lit(None).cast("string")
        for i, c in enumerate(checks):
            failed = counts["f%d" % i] or 0
            result = {"name": c["name"], "kind": c["kind"], "action": c["action"], "column": c.get("column"), "checked": rows, "failed": failed}
            if c["kind"] == "row_count":
                low = "min" in c and rows < c["min"]
                high = "max" in c and rows > c["max"]
                message = ("%d rows, fewer than %d" % (rows, c["min"])) if low else ("%d rows, more than %d" % (rows, c["max"])) if high else None
                result["failed"] = rows if message else 0
                result["message"] = message
                REPORT["checks"].append(result)
                if message and c["action"] == "fail":
                    fail("check %s failed: %s" % (c["name"], message))
                if message:
                    REPORT["warnings"].append("check %s: %s" % (c["name"], message))
                continue
            result["message"] = ("%d of %d rows failed" % (failed, rows)) if failed else None
            REPORT["checks"].append(result)
            ok = F.col("__ok%d" % i)
            if failed and c["action"] == "fail":
                fail("check %s failed for %d row(s)" % (c["name"], failed))
            elif c["action"] == "drop":
                keep = keep & ok
            elif c["action"] == "quarantine":
                reason = F.when(keep & ~ok & reason.isNull(), F.lit("check %s failed" % c["name"])).otherwise(reason)
                keep = keep & ok
            elif failed and c["action"] == "warn":
                REPORT["warnings"].append("check %s: %d of %d rows failed" % (c["name"], failed, rows))
        df = df.withColumn("__reason", reason).withColumn("__keep", keep)
        bad = with_seal(df.where(F.col("__reason").isNotNull()))
        REJECTS.append(bad.select(sealed(F.to_json(F.struct(*[quoted(c) for c in df.columns if not c.startswith("__")]))).alias("raw"),
                                  F.col("__reason").alias("reason")))
        return df.where(F.col("__keep"))


    def fail(message):
        write_report({"error": message})
        sys.exit(3)


    def write_report(extra=None):
        report = dict(REPORT)
        if extra:
            report.update(extra)
        with open(JOB["report"], "w") as f:
            json.dump(report, f)


    def mask_key(name):
        text = os.environ.get("STRATA_%s_KEY" % name.upper())
        if not text:
            fail("the %s key is not in the environment (STRATA_%s_KEY)" % (name, name.upper()))
        return bytes.fromhex(text)


    def with_keys(df):
        """`df` with the mask key's HMAC pads as two columns. They come from a one-row DataFrame,
        not from literals, so the key never shows in a query plan, the Spark UI or a log."""
        import hashlib
        key = mask_key("mask")
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        pads = spark.createDataFrame([(bytearray(b ^ 0x36 for b in key), bytearray(b ^ 0x5C for b in key))],
                                     "__ipad BINARY, __opad BINARY")
        return df.crossJoin(F.broadcast(pads))


    def mask_hash(column):
        """HMAC-SHA-256 of the value's UTF-8 bytes (sha2 over the pads and the text), its first 16
        bytes as lower-case hex: byte for byte Strata's `hash`."""
        inner = F.sha2(F.concat(F.col("__ipad"), F.encode(column, "UTF-8")), 256)
        return F.substring(F.sha2(F.concat(F.col("__opad"), F.unhex(inner)), 256), 1, 32)


    def mask_chars(column):
        """Ranger-style character masking, as Strata's: upper-case letters -> X, other letters -> x,
        decimal digits -> 0, everything else kept, code point by code point. The classes are
        Strata's own Unicode tables (UPPER, LETTER, DIGIT at the end of the program), not the JVM's."""
        column = F.regexp_replace(column, "[" + UPPER + "]", "X")
        column = F.regexp_replace(column, "[" + LETTER + "]", "x")
        return F.regexp_replace(column, "[" + DIGIT + "]", "0")


    def mask_text(column, first=0, last=0):
        """redact (mask every character), show_first / show_last (keep that many clear); a value
        with no more characters than are kept is masked whole."""
        if first == 0 and last == 0:
            return mask_chars(column)
        n = F.char_length(column)
        kept = F.concat(column.substr(F.lit(1), F.lit(first)),
                        mask_chars(column.substr(F.lit(first + 1), n - first - last)),
                        column.substr(n - last + 1, F.lit(last)))
        return F.when(n > first + last, kept).otherwise(mask_chars(column))


    def mask_email_domain(column):
        """`*` and the text from the last `@` on; NULL without an `@` or with nothing after it."""
        domain = F.substring_index(column, "@", -1)
        return F.when((F.instr(column, "@") > 0) & (domain != ""), F.concat(F.lit("*@"), domain))


    def network(text, v4, v6):
        """The address with host bits zeroed, through the C library as Strata does; None if not one."""
        if text is None:
            return None
        raw = text.encode("utf-8").split(b"\0")[0]
        if not 2 <= len(text.encode("utf-8")) <= 45:
            return None
        family = socket.AF_INET6 if b":" in text.encode("utf-8") else socket.AF_INET
        try:
            addr = bytearray(socket.inet_pton(family, raw.decode("utf-8", "replace")))
        except (OSError, ValueError):
            return None
        keep = v4 if len(addr) == 4 else v6
        for i in range(len(addr)):
            if i * 8 >= keep:
                addr[i] = 0
            elif i * 8 + 8 > keep:
                addr[i] &= (0xFF << (8 - (keep - i * 8))) & 0xFF
        return socket.inet_ntop(family, bytes(addr))


    def mask_network(column, v4, v6):
        return F.udf(lambda t: network(t, v4, v6), StringType())(column)


    def finish(df):
        """Writes the stored rows (in read order) and the rejects; the report says what happened."""
        df.orderBy("__seq").drop("__seq").write.mode("overwrite").parquet(JOB["output"])
        if REJECTS:
            out = REJECTS[0]
            for r in REJECTS[1:]:
                out = out.unionByName(r)
            out.write.mode("overwrite").parquet(JOB["rejects"])
        write_report()


    """#
}
