import Foundation
import StrataCore
import StrataFormats
import StrataGovernance

/// The docs site: one self-contained `index.html` (inline CSS, script and catalog; no network,
/// opens from disk) and `catalog.json` (the same data, for other tools).
///
/// Pages are hash routes: `#/` overview, `#/table/silver.users[/column]`, `#/pipeline/NAME`,
/// `#/role/NAME`, `#/lineage[/silver.users.email]`. For tests the body reports `data-page`,
/// `data-ready`, `data-results` (search hits), `data-selected`/`data-upstream`/`data-downstream`
/// (lineage selection), and `data-error` when a script failed.
enum DocsSite {
    static func files(catalog: JSONValue) -> [(name: String, text: String)] {
        [("index.html", page(catalog: catalog)), ("catalog.json", catalog.serialized + "\n")]
    }

    static func page(catalog: JSONValue) -> String {
        // No `<` at all inside the <script> element (`</script>`, `<!--` and `<script` would end or
        // change it): in JSON it only occurs inside strings, where `\u003c` means the same.
        let data = catalog.serialized.replacingOccurrences(of: "<", with: "\\u003c")
        let title = catalog["project"]?["name"]?.stringValue ?? "strata"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="icon" href="data:,">
            <title>\(escape(title)) · Strata docs</title>
            <style>
            \(style)
            \(LineageGraph.rendererStyle)
            </style>
            </head>
            <body data-ready="0">
            <header>
            <a class="brand" href="#/">\(escape(title))</a><span class="sub">Strata docs</span>
            <div class="searchbox"><input id="q" type="search" autocomplete="off" placeholder="Search tables, columns, tags, pipelines, roles" aria-label="Search">
            <div id="results" hidden></div></div>
            </header>
            <div id="layout"><nav id="nav"></nav><main id="main"></main></div>
            <script type="application/json" id="catalog">\(data)</script>
            \(LineageGraph.rendererScript)
            <script>
            \(script)
            </script>
            </body>
            </html>

            """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// Writes the site into `dir` (created when missing); returns the paths written.
    static func write(catalog: JSONValue, to dir: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return try files(catalog: catalog).map { f in
                let path = dir + "/" + f.name
                try Data(f.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                return path
            }
        } catch {
            throw StrataError(.io, "cannot write the docs site into \(dir)", cause: "\(error)")
        }
    }
}
