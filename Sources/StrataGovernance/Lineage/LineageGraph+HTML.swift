extension LineageGraph {
    /// A self-contained HTML page (inline CSS, JS and data; no network) that draws the graph as
    /// SVG, left to right by layer (files, bronze, silver, gold, quarantine), tables as boxes
    /// listing their columns, and highlights a clicked table's or column's upstream and downstream.
    ///
    /// A search box marks matching tables and columns (`data-matches`), Enter selects the first;
    /// buttons and Ctrl+wheel zoom. For tests and links, `page.html#select=gold.sales.total` selects a node on load. The body
    /// reports what was drawn: `data-rendered` (tables), `data-columns`, `data-edges`, and after a
    /// selection `data-selected`, `data-upstream`, `data-downstream`; a script error sets `data-error`.
    public func html() -> String {
        // No `<` at all inside the <script> element (`</script>`, `<!--` and `<script` would end or
        // change it): in JSON it only occurs inside strings, where `\u003c` means the same.
        let data = graphJSON.serialized.replacingOccurrences(of: "<", with: "\\u003c")
        return LineageGraph.htmlHead + "<script type=\"application/json\" id=\"lineage-data\">" + data + "</script>\n"
            + LineageGraph.htmlScript + "</body>\n</html>\n"
    }

    static let htmlHead = #"""
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Strata lineage</title>
    <style>
    html, body { margin: 0; height: 100%; font: 13px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; }
    body { display: flex; }
    #main { flex: 1; display: flex; flex-direction: column; min-width: 0; }
    #canvas { flex: 1; }
    #panel { width: 300px; border-left: 1px solid #ddd; padding: 12px 16px; overflow: auto; background: #f7f7f9; }
    #panel h1 { font-size: 16px; margin: 4px 0 8px; }
    #panel h2 { font-size: 13px; margin: 14px 0 4px; }
    #panel ul { margin: 0; padding-left: 18px; }
    #panel li { margin: 2px 0; }
    .legend span { display: inline-block; margin-right: 10px; }
    """# + rendererStyle + #"""
    </style>
    </head>
    <body data-rendered="0">
    <div id="main">
    <div class="lin-tools"><input id="search" type="search" placeholder="Search tables, columns, tags (Enter selects the first)" aria-label="Search">
    <span id="hits"></span><button id="zoom-out" title="Zoom out (Ctrl+wheel)">&minus;</button><span class="zoom" id="zoom">100%</span>
    <button id="zoom-in" title="Zoom in (Ctrl+wheel)">+</button><button id="fit" title="Fit the width">Fit</button></div>
    <div id="canvas" class="lin-canvas"><svg id="graph" class="lin-svg" xmlns="http://www.w3.org/2000/svg" width="400" height="300"></svg></div>
    </div>
    <div id="panel">
    <h1>Strata lineage</h1>
    <p id="summary"></p>
    <p class="legend"><span><i class="sw" style="background:#8fa6c6"></i>direct</span><span><i class="sw" style="background:#b8b8b8"></i>indirect</span><span><i class="sw" style="background:#cc3333"></i>masked</span></p>
    <div id="details"><p>Click a table or a column to see its upstream (blue) and downstream (green).</p></div>
    </div>

    """#

    static let htmlScript = rendererScript + #"""
    <script>
    (function () {
      "use strict";
      window.addEventListener("error", function (e) { document.body.setAttribute("data-error", String(e.message)); });
      var G = JSON.parse(document.getElementById("lineage-data").textContent);
      var name = StrataLineage.name;
      function list(title, hits) {
        var h = document.createElement("h2");
        h.textContent = title + " (" + hits.length + ")";
        var ul = document.createElement("ul");
        hits.forEach(function (x) {
          var li = document.createElement("li");
          li.textContent = name(x.node) + "  \u00b7 " + x.dist + " hop" + (x.dist > 1 ? "s" : "") + (x.sub ? " \u00b7 " + x.sub : "") + (x.masking ? " \u00b7 masked" : "") + " \u00b7 " + x.via;
          ul.appendChild(li);
        });
        if (!hits.length) { var li = document.createElement("li"); li.textContent = "none"; ul.appendChild(li); }
        return [h, ul];
      }
      var help = "<p>Click a table or a column to see its upstream (blue) and downstream (green).</p>";
      var view = StrataLineage.render({
        svg: document.getElementById("graph"), canvas: document.getElementById("canvas"), data: G,
        onZoom: function (s) { document.getElementById("zoom").textContent = Math.round(s * 100) + "%"; },
        onSelect: function (n, up, down) {
          var det = document.getElementById("details");
          det.textContent = "";
          var h = document.createElement("h2");
          h.textContent = name(n);
          det.appendChild(h);
          list("Upstream", up).concat(list("Downstream", down)).forEach(function (x) { det.appendChild(x); });
          document.body.setAttribute("data-selected", name(n));
          document.body.setAttribute("data-upstream", String(up.length));
          document.body.setAttribute("data-downstream", String(down.length));
        },
        onClear: function () {
          document.body.removeAttribute("data-selected");
          document.getElementById("details").innerHTML = help;
        }
      });
      var search = document.getElementById("search"), hits = [];
      search.addEventListener("input", function () {
        hits = view.search(search.value);
        document.getElementById("hits").textContent = search.value ? hits.length + " found" : "";
        document.body.setAttribute("data-matches", String(hits.length));
      });
      search.addEventListener("keydown", function (ev) { if (ev.key === "Enter" && hits.length) view.select(hits[0]); });
      document.getElementById("zoom-in").addEventListener("click", function () { view.zoom(1.25); });
      document.getElementById("zoom-out").addEventListener("click", function () { view.zoom(0.8); });
      document.getElementById("fit").addEventListener("click", function () { view.fit(); });
      window.addEventListener("resize", function () { view.fit(); });
      var failed = G.jobs.filter(function (j) { return j.status === "FAIL" || j.status === "ABORT"; }).length;
      document.getElementById("summary").textContent = G.datasets.length + " datasets, " + G.jobs.length + " pipelines"
        + (failed ? " (" + failed + " failed)" : "") + ", " + G.columnEdges.length + " column edges";
      document.body.setAttribute("data-rendered", String(view.counts.tables));
      document.body.setAttribute("data-columns", String(view.counts.columns));
      document.body.setAttribute("data-edges", String(view.counts.edges));
      var m = /^#select=(.+)$/.exec(window.location.hash);
      if (m) {
        var target = decodeURIComponent(m[1]), n = view.node(target);
        if (n) view.select(n); else document.body.setAttribute("data-error", "no node " + target);
      }
    })();
    </script>

    """#
}
