import Foundation
import StrataTestSupport
import Testing

/// Bad arguments exit 2 with a clear error, as the README's exit codes say: a config path that
/// leads nowhere, a version past the table's last, a column the lineage graph lacks; a denied
/// `access explain` exits 3 like the `show --as` it explains.
@Suite(.serialized)
struct ExitCodesEndToEndTests {
    @Test func badArgumentsExitTwo() throws {
        let p = try StrataProject("exit-codes")
        try p.write("pipelines.yaml", """
        version: 1
        pipelines:
          bronze_t:
            source: {type: csv, path: landing/t.csv}
            sink: {type: table, table: bronze.t}
        """)
        try p.write("policies/roles.yaml", "version: 1\nroles:\n  analyst:\n    grants:\n      - tables: \"*\"\n")
        try p.write("landing/t.csv", "id,name\n1,a\n")
        #expect(try p.strata("run").status == 0)
        let config = try p.strata("--config", "nope.yaml", "validate")
        #expect(config.status == 2 && config.stderr.contains("cannot read config file 'nope.yaml'"), "\(config.stderr)")
        let version = try p.strata("show", "bronze.t", "--version", "5")
        #expect(version.status == 2 && version.stderr.contains("has no version 5") && version.stderr.contains("0…0"), "\(version.stderr)")
        #expect(try p.strata("show", "bronze.t", "--version", "0").status == 0)
        let export = try p.strata("export", "bronze.t", "--version", "3", "--out", p.root + "/x.csv")
        #expect(export.status == 2, "\(export.stderr)")
        let column = try p.strata("lineage", "upstream", "bronze.t.nme")
        #expect(column.status == 2 && column.stderr.contains("no column 'nme'"), "\(column.stderr)")
        let role = try p.strata("access", "explain", "bronze.t", "--as", "analyts")
        #expect(role.status == 3 && role.stdout.contains("DENIED: there is no role 'analyts'"), "denied, as show --as would be: \(role.stdout)")
        #expect(try p.strata("show", "bronze.t", "--as", "analyts").status == 3)
        #expect(try p.strata("access", "explain", "bronze.t", "--as", "analyst").status == 0)
    }
}
