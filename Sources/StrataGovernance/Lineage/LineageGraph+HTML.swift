extension LineageGraph {
    /// A self-contained HTML page (inline CSS, JS and data; no network) that draws the graph as
    /// SVG, left to right by layer (files, bronze, silver, gold, quarantine), tables as boxes
    /// listing their columns, and highlights a clicked table's or column's upstream and downstream.
    ///
    /// For tests and links, `page.html#select=gold.sales.total` selects a node on load. The body
    /// reports what was drawn: `data-rendered` (tables), `data-columns`, `data-edges`, and after a
    /// selection `data-selected`, `data-upstream`, `data-downstream`; a script error sets `data-error`.
    public func html() -> String {
        // `</` cannot appear inside a <script> element; JSON allows `<\/`.
        let data = graphJSON.serialized.replacingOccurrences(of: "</", with: "<\\/")
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
    #canvas { flex: 1; overflow: auto; background: #fcfcfd; }
    #panel { width: 330px; border-left: 1px solid #ddd; padding: 12px 16px; overflow: auto; background: #f7f7f9; }
    #panel h1 { font-size: 16px; margin: 4px 0 8px; }
    #panel h2 { font-size: 13px; margin: 14px 0 4px; }
    #panel ul { margin: 0; padding-left: 18px; }
    #panel li { margin: 2px 0; }
    .legend span { display: inline-block; margin-right: 10px; }
    .sw { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 4px; }
    svg text { font: 12px system-ui, -apple-system, Helvetica, Arial, sans-serif; pointer-events: none; }
    .layer-title { font-weight: bold; fill: #666; text-transform: uppercase; letter-spacing: .08em; }
    .table .box { fill: #fff; stroke: #8a8f99; }
    .table .head rect { fill: #e3e9f5; stroke: #8a8f99; cursor: pointer; }
    .layer-source .head rect { fill: #ececec; }
    .layer-bronze .head rect { fill: #f1dcc7; }
    .layer-silver .head rect { fill: #e4e6ec; }
    .layer-gold .head rect { fill: #f6e7b0; }
    .layer-quarantine .head rect { fill: #f4cccc; }
    .col rect { fill: transparent; cursor: pointer; }
    .col:hover rect { fill: #eef3ff; }
    .type { fill: #888; }
    .tags { fill: #b03030; font-size: 10px; }
    .status-COMPLETE { fill: #2d7a2d; }
    .status-FAIL, .status-ABORT { fill: #b02020; font-weight: bold; }
    .edge { fill: none; stroke: #8fa6c6; stroke-width: 1.2; }
    .edge.indirect { stroke: #b8b8b8; stroke-dasharray: 4 3; }
    .edge.masked { stroke: #cc3333; }
    .edge.tableedge { stroke: #c9cfdb; stroke-width: 4; opacity: .45; }
    .dimmed { opacity: .18; }
    .sel > rect { fill: #ffd966 !important; }
    .up > rect { fill: #cfe2ff !important; }
    .down > rect { fill: #d4f4d4 !important; }
    .edge.hl { stroke-width: 2.6; opacity: 1; }
    </style>
    </head>
    <body data-rendered="0">
    <div id="canvas"><svg id="graph" xmlns="http://www.w3.org/2000/svg" width="400" height="300"></svg></div>
    <div id="panel">
    <h1>Strata lineage</h1>
    <p id="summary"></p>
    <p class="legend"><span><i class="sw" style="background:#8fa6c6"></i>direct</span><span><i class="sw" style="background:#b8b8b8"></i>indirect</span><span><i class="sw" style="background:#cc3333"></i>masked</span></p>
    <div id="details"><p>Click a table or a column to see its upstream (blue) and downstream (green).</p></div>
    </div>

    """#

    static let htmlScript = #"""
    <script>
    (function () {
      "use strict";
      window.addEventListener("error", function (e) { document.body.setAttribute("data-error", String(e.message)); });
      var G = JSON.parse(document.getElementById("lineage-data").textContent);
      var NS = "http://www.w3.org/2000/svg";
      var svg = document.getElementById("graph");
      function el(tag, attrs, parent) {
        var e = document.createElementNS(NS, tag);
        for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]); }
        if (parent) parent.appendChild(e);
        return e;
      }
      function key(d, c) { return d + "\u0000" + (c == null ? "" : c); }
      var LAYERS = ["source", "bronze", "silver", "gold", "quarantine"];
      var W = 240, ROW = 20, HEAD = 26, GAPX = 150, GAPY = 26, PAD = 20, TOP = 44;
      var byLayer = {}, pos = {}, colY = {}, producers = {};
      G.datasets.forEach(function (d) { (byLayer[d.layer] = byLayer[d.layer] || []).push(d); });
      G.jobs.forEach(function (j) { j.outputs.forEach(function (o) { (producers[o] = producers[o] || []).push(j); }); });
      var used = LAYERS.filter(function (l) { return byLayer[l]; });
      Object.keys(byLayer).forEach(function (l) { if (used.indexOf(l) < 0) used.push(l); });
      var maxY = TOP;
      used.forEach(function (l, li) {
        var x = PAD + li * (W + GAPX), y = TOP;
        el("text", { x: x, y: PAD + 8, "class": "layer-title" }, svg).textContent = l;
        byLayer[l].forEach(function (d) {
          var h = HEAD + Math.max(1, d.columns.length) * ROW + 6;
          pos[d.id] = { x: x, y: y, h: h };
          y += h + GAPY;
        });
        maxY = Math.max(maxY, y);
      });
      var fullW = PAD * 2 + used.length * (W + GAPX) - GAPX, fullH = maxY + PAD;
      svg.setAttribute("viewBox", "0 0 " + fullW + " " + fullH);
      // Fit the width of the canvas (not below 60%), so a whole lake shows at a glance.
      function fit() {
        var avail = document.getElementById("canvas").clientWidth - 4;
        var scale = Math.max(0.6, Math.min(1, avail / fullW));
        svg.setAttribute("width", String(Math.round(fullW * scale)));
        svg.setAttribute("height", String(Math.round(fullH * scale)));
      }
      fit();
      window.addEventListener("resize", fit);
      var edgeLayer = el("g", { id: "edges" }, svg), nodeLayer = el("g", { id: "nodes" }, svg);
      var tableEls = {}, colEls = {}, edgeEls = [];
      var columnCount = 0;
      G.datasets.forEach(function (d) {
        var p = pos[d.id];
        var g = el("g", { "class": "table layer-" + d.layer, "data-node": d.id, transform: "translate(" + p.x + "," + p.y + ")" }, nodeLayer);
        el("rect", { "class": "box", width: W, height: p.h, rx: 6 }, g);
        var head = el("g", { "class": "head", "data-table": d.id }, g);
        el("rect", { width: W, height: HEAD, rx: 6 }, head);
        el("text", { x: 8, y: 17, "font-weight": "bold" }, head).textContent = d.id;
        var jobs = producers[d.id] || [];
        if (jobs.length) {
          var st = jobs.map(function (j) { return j.status; }).join(",");
          el("text", { x: W - 8, y: 17, "text-anchor": "end", "class": "status status-" + jobs[jobs.length - 1].status }, head).textContent = st;
        }
        head.addEventListener("click", function (ev) { ev.stopPropagation(); select({ dataset: d.id, column: null }); });
        tableEls[d.id] = head;
        d.columns.forEach(function (c, i) {
          var cy = HEAD + i * ROW;
          var cg = el("g", { "class": "col", "data-column": d.id + "." + c.name, transform: "translate(0," + cy + ")" }, g);
          el("rect", { width: W, height: ROW }, cg);
          var label = el("text", { x: 10, y: 14 }, cg);
          label.textContent = c.name;
          if (c.tags.length) {
            var t = el("tspan", { "class": "tags", dx: 6 }, label);
            t.textContent = c.tags.join(", ");
          }
          el("text", { x: W - 8, y: 14, "text-anchor": "end", "class": "type" }, cg).textContent = c.type;
          colY[key(d.id, c.name)] = p.y + cy + ROW / 2;
          colEls[key(d.id, c.name)] = cg;
          columnCount++;
          cg.addEventListener("click", function (ev) { ev.stopPropagation(); select({ dataset: d.id, column: c.name }); });
        });
      });
      function curve(x1, y1, x2, y2) {
        var mx = (x1 + x2) / 2;
        if (x2 <= x1) { mx = x1 + 60; return "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + (x2 - 60) + "," + y2 + " " + x2 + "," + y2; }
        return "M" + x1 + "," + y1 + " C" + mx + "," + y1 + " " + mx + "," + y2 + " " + x2 + "," + y2;
      }
      G.edges.forEach(function (e) {
        var a = pos[e.from], b = pos[e.to];
        if (!a || !b) return;
        var p = el("path", { "class": "edge tableedge", d: curve(a.x + W, a.y + HEAD / 2, b.x, b.y + HEAD / 2) }, edgeLayer);
        el("title", {}, p).textContent = e.from + " \u2192 " + e.to + " (" + e.job + ")";
        edgeEls.push({ el: p, from: key(e.from, null), to: key(e.to, null) });
      });
      G.columnEdges.forEach(function (e) {
        var a = pos[e.from.dataset], b = pos[e.to.dataset];
        if (!a || !b) return;
        var y1 = colY[key(e.from.dataset, e.from.column)] || a.y + HEAD / 2;
        var y2 = e.to.column == null ? b.y + HEAD / 2 : (colY[key(e.to.dataset, e.to.column)] || b.y + HEAD / 2);
        var cls = "edge coledge " + (e.type === "INDIRECT" ? "indirect" : "direct") + (e.masking ? " masked" : "");
        var p = el("path", { "class": cls, d: curve(a.x + W, y1, b.x, y2) }, edgeLayer);
        el("title", {}, p).textContent = e.from.dataset + "." + e.from.column + " \u2192 " + e.to.dataset + (e.to.column == null ? "" : "." + e.to.column)
          + ": " + e.type + "/" + e.subtype + (e.masking ? " (masked)" : "") + (e.description ? " \u2014 " + e.description : "");
        edgeEls.push({ el: p, from: key(e.from.dataset, e.from.column), to: key(e.to.dataset, e.to.column) });
      });

      // Impact queries, the same rules as `strata lineage upstream|downstream`.
      function neighbors(n, forward) {
        var out = [];
        if (n.column == null) {
          G.edges.forEach(function (e) {
            if ((forward ? e.from : e.to) === n.dataset) out.push({ node: { dataset: forward ? e.to : e.from, column: null }, via: e.job, masking: false, sub: "" });
          });
          return out;
        }
        G.columnEdges.forEach(function (e) {
          if (forward && e.from.dataset === n.dataset && e.from.column === n.column) out.push({ node: e.to, via: e.job, masking: e.masking, sub: e.subtype });
          if (!forward && e.to.dataset === n.dataset && (e.to.column === n.column || e.to.column == null)) out.push({ node: e.from, via: e.job, masking: e.masking, sub: e.subtype });
        });
        return out;
      }
      function walk(start, forward) {
        var seen = {}, out = [], frontier = [start], dist = 0;
        seen[key(start.dataset, start.column)] = true;
        while (frontier.length) {
          dist++;
          var next = [];
          frontier.forEach(function (n) {
            neighbors(n, forward).forEach(function (h) {
              var k = key(h.node.dataset, h.node.column);
              if (seen[k]) return;
              seen[k] = true;
              out.push({ node: h.node, dist: dist, via: h.via, masking: h.masking, sub: h.sub });
              next.push(h.node);
            });
          });
          frontier = next;
        }
        return out;
      }
      function nodeEl(n) { return n.column == null ? tableEls[n.dataset] : colEls[key(n.dataset, n.column)]; }
      function name(n) { return n.dataset + (n.column == null ? "" : "." + n.column); }
      function clear() {
        Array.prototype.forEach.call(svg.querySelectorAll(".sel,.up,.down,.dimmed,.hl"), function (x) {
          x.classList.remove("sel", "up", "down", "dimmed", "hl");
        });
      }
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
      function select(n) {
        clear();
        var up = walk(n, false), down = walk(n, true);
        var inSet = {};
        inSet[key(n.dataset, n.column)] = true;
        up.forEach(function (h) { inSet[key(h.node.dataset, h.node.column)] = true; var e = nodeEl(h.node); if (e) e.classList.add("up"); });
        down.forEach(function (h) { inSet[key(h.node.dataset, h.node.column)] = true; var e = nodeEl(h.node); if (e) e.classList.add("down"); });
        var s = nodeEl(n);
        if (s) s.classList.add("sel");
        var touched = {};
        Object.keys(inSet).forEach(function (k) { touched[k.split("\u0000")[0]] = true; });
        Object.keys(tableEls).forEach(function (id) { if (!touched[id]) tableEls[id].parentNode.classList.add("dimmed"); });
        edgeEls.forEach(function (e) {
          if (inSet[e.from] && inSet[e.to]) e.el.classList.add("hl"); else e.el.classList.add("dimmed");
        });
        var det = document.getElementById("details");
        det.textContent = "";
        var h = document.createElement("h2");
        h.textContent = name(n);
        det.appendChild(h);
        list("Upstream", up).concat(list("Downstream", down)).forEach(function (x) { det.appendChild(x); });
        document.body.setAttribute("data-selected", name(n));
        document.body.setAttribute("data-upstream", String(up.length));
        document.body.setAttribute("data-downstream", String(down.length));
      }
      svg.addEventListener("click", function () {
        clear();
        document.body.removeAttribute("data-selected");
        document.getElementById("details").innerHTML = "<p>Click a table or a column to see its upstream (blue) and downstream (green).</p>";
      });
      var failed = G.jobs.filter(function (j) { return j.status === "FAIL" || j.status === "ABORT"; }).length;
      document.getElementById("summary").textContent = G.datasets.length + " datasets, " + G.jobs.length + " pipelines"
        + (failed ? " (" + failed + " failed)" : "") + ", " + G.columnEdges.length + " column edges";
      document.body.setAttribute("data-rendered", String(Object.keys(tableEls).length));
      document.body.setAttribute("data-columns", String(columnCount));
      document.body.setAttribute("data-edges", String(edgeEls.length));
      var m = /^#select=(.+)$/.exec(window.location.hash);
      if (m) {
        var target = decodeURIComponent(m[1]);
        if (tableEls[target]) select({ dataset: target, column: null });
        else {
          var dot = target.lastIndexOf(".");
          if (dot > 0 && colEls[key(target.slice(0, dot), target.slice(dot + 1))]) select({ dataset: target.slice(0, dot), column: target.slice(dot + 1) });
          else document.body.setAttribute("data-error", "no node " + target);
        }
      }
    })();
    </script>

    """#
}
