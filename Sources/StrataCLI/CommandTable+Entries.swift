/// The commands, in the order the README and `strata help` list them.
extension CommandTable {
    static let all: [CommandSpec] = [
        CommandSpec("init", "Start a project: pipelines.yaml, policies/, sample data, .gitignore and a README.", [
            CommandForm("strata init [DIR] [--example minimal|ecommerce]",
                        "Writes a project that validates and runs into DIR (default: here; created when missing, never over an existing file): `pipelines.yaml`, `policies/` (classification, masking, roles, tests), sample landing data, `.gitignore` (the lake's outputs and keys) and a README stub. `minimal` (the default): one CSV of customers through bronze, silver and gold with a hashed e-mail column and two roles; `ecommerce`: this repository's demo lake with its generated landing data."),
        ]),
        CommandSpec("validate", "Check pipelines.yaml: keys, plugins, table references, schemas (no data read).", aliases: ["-v": "--verbose"], [
            CommandForm("strata validate [--verbose] [--engine native|spark]",
                        "Checks the config: YAML, keys, plugin names, table references, the DAG, every expression and schema that is known without data, and the governance gate of every write (a refused write exits 3). With `--verbose` prints each pipeline's output schema with each column's tags and stored form (`email: string [pii.email → stored hash]`), or says the schema is inferred at run time. Lists tables that store a column more weakly than the policies now require (`needs re-masking: …`). Pipelines with `engine: spark` (every pipeline with `--engine spark`) are compiled for Spark, and what Spark cannot compute exactly exits 2, naming it. Reads no data."),
        ]),
        CommandSpec("plan", "Show what would run, in order, reading and writing what.", [
            CommandForm("strata plan [SELECTOR...]",
                        "The pipelines that would run, in order, with what they read and write and their steps; first the re-masking a policy change requires (`0. re-mask …`)."),
        ]),
        CommandSpec("run", "Run pipelines (all, or by selector: NAME, TABLE, +X upstream, X+ downstream).", aliases: ["-q": "--quiet"], [
            CommandForm("strata run [SELECTOR...] [--full-refresh] [--quiet] [--force] [--engine native|spark] [--master URL] [--spark-conf KEY=VALUE]",
                        "Runs pipelines; prints a progress line on stderr when it is a terminal, then a summary table (pipeline, table, status, rows in, rows out, quarantined, version, seconds). A failed pipeline commits nothing and its downstream pipelines are skipped. Before any pipeline, tables that a policy change left storing a column too weakly are re-masked and their old files purged (`note: re-masked after a policy change: …`). `--engine spark` computes every selected pipeline on Apache Spark (`spark-submit`, `--master` default `local[*]`, `--spark-conf` repeatable) with the same masks, checks, commit, audit and lineage; see Scaling out."),
        ]),
        CommandSpec("compile", "Compile a pipeline into a PySpark program (`--target spark`).", [
            CommandForm("strata compile PIPELINE [--target spark] [--out FILE]",
                        "Prints (or writes to FILE) the pipeline as a readable PySpark program: its table source, every transform and the masks of its write's layer gate, computed in Spark byte for byte as Strata computes them. The program reads the files, clock and output folder from a job file and the mask key from the environment (`STRATA_MASK_KEY`), never from its text; run it with `spark-submit FILE JOB.json`. What Spark cannot compute exactly (a file source, `tokenize`, `scrub`, casts from text, some functions) is refused (exit 2), naming it."),
        ]),
        CommandSpec("tables", "List the lake's tables with version, rows, files and size.", [
            CommandForm("strata tables [--names]",
                        "The lake's tables with version, rows, files, size and columns; `--names`: only their names, one per line (what shell completion offers for TABLE)."),
        ]),
        CommandSpec("history", "Show a table's commits.", [
            CommandForm("strata history TABLE",
                        "A table's commits: version, time, operation, pipeline, rows, run id."),
        ]),
        CommandSpec("show", "Print a table's rows (`--as ROLE`: as that role may see them).", [
            CommandForm("strata show TABLE [--limit N] [--version N] [--columns a,b] [--format table|csv|json] [--as ROLE]",
                        "A table's rows (default 20; `json`: one object per row, keys in column order); `--version` reads an older version (time travel; a version purged by a policy change says so); `--as ROLE` reads as that role: hidden columns left out, masks applied, row filters enforced, a denied read exits 3 (and is audited)."),
        ]),
        CommandSpec("export", "Write a table's rows to CSV, JSONL or Parquet (`--as ROLE` for a governed read).", [
            CommandForm("strata export TABLE --out FILE [--format csv|jsonl|parquet] [--as ROLE] [--version N] [--columns a,b]",
                        "Writes a table (as the role sees it, with `--as`) to one file, atomically."),
        ]),
        CommandSpec("policy", "Governance: `policy scan [TABLE...]`, `policy audit`, `policy test`.", [
            CommandForm("strata policy scan [TABLE...] [--json]",
                        "Scans tables for columns holding personal data (e-mail, phone, IP, card, IBAN, SSN, MAC, custom `patterns:`, as whole values or inside free text): per column the kinds, value counts, confidence and a masked example (`j***@e*****.com`), and whether a policy tags it. Never prints a value."),
            CommandForm("strata policy audit [--format text|markdown|json]",
                        "Per table and column: tags (declared, detected, propagated), the stored form per layer, which roles see it clear, masked or hidden, row filters, and findings."),
            CommandForm("strata policy test",
                        "Runs the `tests:` of `policies/`; exit 1 when one fails."),
        ]),
        CommandSpec("access", "`access explain TABLE --as ROLE`: what a role sees of each column, and why.", [
            CommandForm("strata access explain TABLE --as ROLE",
                        "What the role sees of each column and which policy rule decided it; exits 3 when the role may not read the table at all (as `show --as` does)."),
        ]),
        CommandSpec("unmask", "`unmask --as ROLE [TOKEN...]`: reverse tokenized values, for roles allowed to.", [
            CommandForm("strata unmask --as ROLE [TOKEN...]",
                        "Reverses `tokenize` tokens (arguments or stdin) for roles with `unmask: true`."),
        ]),
        CommandSpec("audit", "The tamper-evident audit log: `audit verify`, `audit show`, `audit reconcile`, `audit seal`.", [
            CommandForm("strata audit verify",
                        "Checks the audit log's hash chain, its `HEAD` and every table commit's anchor; exit 1 names the first bad record."),
            CommandForm("strata audit show [--table T] [--since TIME] [--action A] [--result R] [--limit N]",
                        "Queries the audit log."),
            CommandForm("strata audit seal",
                        "Adopts a log written without a key under `STRATA_AUDIT_KEY`: verifies it, then seals `_audit/HEAD`; from then on the log takes keyed records only and verifies only with the key."),
            CommandForm("strata audit reconcile",
                        "Table commits without an audit record, and audit records without their commit."),
        ]),
        CommandSpec("lineage", "Lineage: `lineage export --format openlineage|json|dot|mermaid|html`, `lineage upstream|downstream TABLE[.COLUMN]`.", [
            CommandForm("strata lineage export [--format openlineage|json|dot|mermaid|html] [--out FILE]",
                        "The lake's lineage graph: datasets, pipelines, column edges, tags, last run status."),
            CommandForm("strata lineage upstream|downstream TABLE[.COLUMN] [--depth N]",
                        "Impact questions: where a column comes from, what depends on it."),
            CommandForm("strata lineage replay [--url URL]",
                        "Sends the events a lineage endpoint missed while it was down (`lineage/outbox/`), oldest first; exits 1 when some still cannot be sent (they stay, in order)."),
        ]),
        CommandSpec("docs", "A browsable docs site of the lake: `docs generate [--out DIR]`, `docs serve [--port N]`.", [
            CommandForm("strata docs generate [--out DIR]",
                        "Writes a static, self-contained site (`index.html` opens from disk, no network; `catalog.json` holds the same data) into DIR (default `docs/site/` of the project): every table with its description, columns, types, tags and stored forms, what each role sees (the decision `access explain` makes), row filters, the expectations before it with their last results, its versions, quarantine counts by reason, the policy findings, and the lineage graph with search, zoom and column highlighting. Shows no row values (it reads only the quarantine tables' reasons)."),
            CommandForm("strata docs serve [--port N] [--quiet]",
                        "Builds the same site from the lake as it is now and serves it on http://127.0.0.1:N/ (default 8580; 0 picks a free port; only localhost), logging each request on stderr unless `--quiet`, until Ctrl-C."),
        ]),
        CommandSpec("functions", "The expression language: list functions and operators, or show one with examples: `functions NAME`.", [
            CommandForm("strata functions [NAME...] [--markdown]",
                        "The expression language: every function and operator with its signature, or the named ones (`strata functions lower upper`, `strata functions is not null`) with their examples."),
        ]),
        CommandSpec("vacuum", "Delete files no longer in a table's recent versions: `vacuum [TABLE...] [--retain-versions N] [--retain HOURS] [--dry-run]`.", [
            CommandForm("strata vacuum [TABLE...] [--retain-versions N] [--retain HOURS] [--dry-run]",
                        "Deletes Parquet files that no version from `latest − N` on references (overwrites, merges, compactions and `--full-refresh` leave them for time travel), staging folders and temporary commit files of crashed runs, and the folders of tables whose first write crashed before committing. `--retain HOURS` also keeps files removed (or written) less than HOURS ago, as Delta's vacuum does; a file either limit keeps is kept. Refuses tables with writer features strata does not support. Audited."),
        ]),
        CommandSpec("optimize", "Compact small files (dataChange false, audited, no lineage): `optimize [TABLE...] [--target-size MB] [--zorder-by a,b]`.", [
            CommandForm("strata optimize [TABLE...] [--target-size MB] [--zorder-by a,b] [--dry-run]",
                        "Compacts small files: per partition, live files under the target size (default 128 MB) are packed into files of about that size in one `OPTIMIZE` commit with `dataChange: false` (incremental readers read nothing again), audited, with no lineage event (no data changed). Rows are rewritten in the stored form the policies require now. `--zorder-by` rewrites every file of a partition sorted by the Z-order of up to three columns, so file statistics prune on each."),
        ]),
        CommandSpec("checkpoint", "Write a Delta checkpoint of each table's latest version: `checkpoint [TABLE...]`.", [
            CommandForm("strata checkpoint [TABLE...]",
                        "Writes a Delta checkpoint (Parquet) of each table's latest version; runs write one every `checkpoint_interval` commits anyway (default 10). JSON commits are never deleted."),
        ]),
        CommandSpec("plugins", "List plugins, or describe one: `plugins describe NAME`.", [
            CommandForm("strata plugins [list]",
                        "The plugins compiled into this binary."),
            CommandForm("strata plugins describe NAME [--markdown]",
                        "A plugin's keys, types, defaults, docs and an example."),
            CommandForm("strata plugins markdown",
                        "The plugin reference as Markdown: the README's, which `scripts/update-readme` regenerates."),
        ]),
        CommandSpec("generate", "Write the e-commerce demo data at any size: `generate ecommerce --rows N --out DIR`.", aliases: ["-q": "--quiet"], [
            CommandForm("strata generate ecommerce --rows N --out DIR [--seed S] [--days D] [--bad-rows RATE] [--quiet]",
                        "Writes the demo's e-commerce landing data at any size, deterministically (same options, same bytes): `users.csv`, `products.csv`, `transactions.csv`, `clickstream/events-DAY.jsonl`."),
        ]),
            CommandSpec("schema", "JSON Schemas of pipelines.yaml and policies files, for editors.", [
            CommandForm("strata schema [pipelines|policies] [--out DIR]",
                        "Prints the JSON Schema (draft 2020-12) of `pipelines.yaml` (default) or of a policies file, generated from the keys every plugin and the policy model declare: descriptions, defaults, enums, and unknown keys refused. `--out DIR` writes both, as `pipelines.schema.json` and `policies.schema.json`."),
        ]),
        CommandSpec("help", "One command's usage and what each of its forms does.", [
            CommandForm("strata help [COMMAND] [--markdown]",
                        "Without COMMAND, the commands and global options; with one, its usage (as `strata COMMAND --help` or `-h`); `--markdown` prints this command table, which `scripts/update-readme` puts in the README."),
        ]),
        CommandSpec("completion", "Shell completion for bash, zsh or fish: `completion bash|zsh|fish`.", [
            CommandForm("strata completion bash|zsh|fish",
                        "Prints a completion script for the shell, generated from this command table: commands, subcommands, options, their values (`--format csv|jsonl|parquet`), files for FILE/DIR and the lake's tables for TABLE. Install: `strata completion bash > ~/.local/share/bash-completion/completions/strata`; zsh: `source <(strata completion zsh)` in `~/.zshrc`; fish: `strata completion fish > ~/.config/fish/completions/strata.fish`."),
        ]),
        CommandSpec("version", "Print strata's version.", [
            CommandForm("strata version",
                        "Prints `strata VERSION` (also `strata --version`)."),
        ]),
    ]
}
