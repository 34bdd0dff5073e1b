extension LineageGraph {
    /// The CSS of the lineage drawing (shared by the HTML export and the docs site).
    public static let rendererStyle = #"""
    .lin-canvas { overflow: auto; background: #fcfcfd; position: relative; }
    .lin-tools { display: flex; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid #e2e4e8; background: #fff; }
    .lin-tools input { flex: 1; min-width: 120px; padding: 4px 8px; border: 1px solid #c5c9d2; border-radius: 4px; font: inherit; }
    .lin-tools button { padding: 3px 9px; border: 1px solid #c5c9d2; border-radius: 4px; background: #f7f7f9; cursor: pointer; font: inherit; }
    .lin-tools .zoom { min-width: 44px; text-align: right; color: #666; }
    .lin-svg text { font: 12px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; pointer-events: none; }
    .lin-svg .layer-title { font-weight: bold; fill: #666; text-transform: uppercase; letter-spacing: .08em; }
    .lin-svg .table .box { fill: #fff; stroke: #8a8f99; }
    .lin-svg .table .head rect { fill: #e3e9f5; stroke: #8a8f99; cursor: pointer; }
    .lin-svg .layer-source .head rect { fill: #ececec; }
    .lin-svg .layer-bronze .head rect { fill: #f1dcc7; }
    .lin-svg .layer-silver .head rect { fill: #e4e6ec; }
    .lin-svg .layer-gold .head rect { fill: #f6e7b0; }
    .lin-svg .layer-quarantine .head rect { fill: #f4cccc; }
    .lin-svg .layer-served .head rect { fill: #d5ead8; }
    .lin-svg .col rect { fill: transparent; cursor: pointer; }
    .lin-svg .col:hover rect { fill: #eef3ff; }
    .lin-svg .type { fill: #888; }
    .lin-svg .tags { fill: #b03030; font-size: 10px; }
    .lin-svg .status-COMPLETE { fill: #2d7a2d; }
    .lin-svg .status-FAIL, .lin-svg .status-ABORT { fill: #b02020; font-weight: bold; }
    .lin-svg .edge { fill: none; stroke: #8fa6c6; stroke-width: 1.2; }
    .lin-svg .edge.indirect { stroke: #b8b8b8; stroke-dasharray: 4 3; }
    .lin-svg .edge.masked { stroke: #cc3333; }
    .lin-svg .edge.tableedge { stroke: #c9cfdb; stroke-width: 4; opacity: .45; }
    .lin-svg .dimmed { opacity: .18; }
    .lin-svg .sel > rect { fill: #ffd966 !important; }
    .lin-svg .up > rect { fill: #cfe2ff !important; }
    .lin-svg .down > rect { fill: #d4f4d4 !important; }
    .lin-svg .match > rect { fill: #ffe9a8; }
    .lin-svg .edge.hl { stroke-width: 2.6; opacity: 1; }
    .sw { display: inline-block; width: 18px; height: 3px; vertical-align: middle; margin-right: 4px; }
    """#

    /// The lineage drawing: `StrataLineage.render({svg, canvas, data, onSelect, onClear})` draws the
    /// graph as SVG, left to right by layer (files, bronze, silver, gold, quarantine, tables served outside the lake), tables as
    /// boxes listing their columns (tags on a line of their own under the name), and returns
    /// `{select(node), clear(), search(text), zoom(factor), fit(), node(name), counts}`. A click on
    /// a table or column selects it: its upstream and downstream are highlighted (the same impact
    /// rules as `strata lineage upstream|downstream`) and `onSelect(node, up, down)` is called.
    public static let rendererScript = #"""
    <script>
    window.StrataLineage = (function () {
      "use strict";
      var NS = "http://www.w3.org/2000/svg";
      var LAYERS = ["source", "bronze", "silver", "gold", "quarantine", "served"];
      var W = 224, ROW = 20, TAGROW = 13, HEAD = 26, GAPX = 76, GAPY = 24, PAD = 20, TOP = 44;
      function el(tag, attrs, parent) {
        var e = document.createElementNS(NS, tag);
        for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]); }
        if (parent) parent.appendChild(e);
        return e;
      }
      function key(d, c) { return d + "\u0000" + (c == null ? "" : c); }
      function fitText(s, max) { return s.length > max ? s.slice(0, max - 1) + "\u2026" : s; }
      function render(o) {
        var G = o.data, svg = o.svg, canvas = o.canvas;
        while (svg.firstChild) svg.removeChild(svg.firstChild);
        if (!G.datasets.length) {
          svg.setAttribute("viewBox", "0 0 460 60");
          svg.setAttribute("width", "460");
          svg.setAttribute("height", "60");
          el("text", { x: 20, y: 34 }, svg).textContent = "No lineage yet: run `strata run` first.";
          var nothing = function () { return []; }, none = function () {};
          return { select: none, clear: none, search: nothing, zoom: none, fit: none, node: function () { return null; },
                   counts: { tables: 0, columns: 0, edges: 0 } };
        }
        var byLayer = {}, pos = {}, colY = {}, producers = {};
        G.datasets.forEach(function (d) { (byLayer[d.layer] = byLayer[d.layer] || []).push(d); });
        G.jobs.forEach(function (j) { j.outputs.forEach(function (out) { (producers[out] = producers[out] || []).push(j); }); });
        var used = LAYERS.filter(function (l) { return byLayer[l]; });
        Object.keys(byLayer).forEach(function (l) { if (used.indexOf(l) < 0) used.push(l); });
        function rowHeight(c) { return ROW + (c.tags.length ? TAGROW : 0); }
        var maxY = TOP;
        used.forEach(function (l, li) {
          var x = PAD + li * (W + GAPX), y = TOP;
          el("text", { x: x, y: PAD + 8, "class": "layer-title" }, svg).textContent = l;
          byLayer[l].forEach(function (d) {
            var h = HEAD + 6;
            d.columns.forEach(function (c) { h += rowHeight(c); });
            if (!d.columns.length) h += ROW;
            pos[d.id] = { x: x, y: y, h: h };
            y += h + GAPY;
          });
          maxY = Math.max(maxY, y);
        });
        var fullW = PAD * 2 + used.length * (W + GAPX) - GAPX, fullH = maxY + PAD;
        svg.setAttribute("viewBox", "0 0 " + fullW + " " + fullH);
        var scale = 1;
        function apply() {
          svg.setAttribute("width", String(Math.round(fullW * scale)));
          svg.setAttribute("height", String(Math.round(fullH * scale)));
          if (o.onZoom) o.onZoom(scale);
        }
        // Fit the whole width of the lake into the canvas (never above 100%).
        function fit() {
          var avail = (canvas.clientWidth || fullW) - 8;
          scale = Math.max(0.2, Math.min(1, avail / fullW));
          apply();
        }
        function zoom(f) { scale = Math.max(0.2, Math.min(3, scale * f)); apply(); }
        fit();
        canvas.addEventListener("wheel", function (ev) {
          if (!ev.ctrlKey && !ev.metaKey) return;
          ev.preventDefault();
          zoom(ev.deltaY < 0 ? 1.1 : 1 / 1.1);
        }, { passive: false });
        var edgeLayer = el("g", { "class": "edges" }, svg), nodeLayer = el("g", { "class": "nodes" }, svg);
        var tableEls = {}, colEls = {}, edgeEls = [], columnCount = 0;
        G.datasets.forEach(function (d) {
          var p = pos[d.id];
          var g = el("g", { "class": "table layer-" + d.layer, "data-node": d.id, transform: "translate(" + p.x + "," + p.y + ")" }, nodeLayer);
          el("rect", { "class": "box", width: W, height: p.h, rx: 6 }, g);
          var head = el("g", { "class": "head", "data-table": d.id }, g);
          el("rect", { width: W, height: HEAD, rx: 6 }, head);
          var jobs = producers[d.id] || [];
          var status = jobs.length ? jobs[jobs.length - 1].status : "";
          el("text", { x: 8, y: 17, "font-weight": "bold" }, head).textContent = fitText(d.id, status ? 20 : 30);
          el("title", {}, head).textContent = d.id + (d.name !== d.id ? "\n" + d.name : "");
          if (status) el("text", { x: W - 8, y: 17, "text-anchor": "end", "class": "status status-" + status }, head).textContent = status;
          head.addEventListener("click", function (ev) { ev.stopPropagation(); select({ dataset: d.id, column: null }); });
          tableEls[d.id] = head;
          var cy = HEAD;
          d.columns.forEach(function (c) {
            var rh = rowHeight(c);
            var cg = el("g", { "class": "col", "data-column": d.id + "." + c.name, transform: "translate(0," + cy + ")" }, g);
            el("rect", { width: W, height: rh }, cg);
            // The name gets what the type leaves of the row (about 7 px a character), so they never overlap.
            var type = fitText(c.type, 14);
            el("text", { x: 10, y: 14 }, cg).textContent = fitText(c.name, Math.max(8, Math.floor((W - 28 - type.length * 6.6) / 7)));
            el("text", { x: W - 8, y: 14, "text-anchor": "end", "class": "type" }, cg).textContent = type;
            if (c.tags.length) el("text", { x: 14, y: 14 + TAGROW, "class": "tags" }, cg).textContent = fitText(c.tags.join(", "), 36);
            el("title", {}, cg).textContent = d.id + "." + c.name + ": " + c.type + (c.tags.length ? " [" + c.tags.join(", ") + "]" : "");
            colY[key(d.id, c.name)] = p.y + cy + ROW / 2;
            colEls[key(d.id, c.name)] = cg;
            columnCount++;
            cg.addEventListener("click", function (ev) { ev.stopPropagation(); select({ dataset: d.id, column: c.name }); });
            cy += rh;
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
        function clear() {
          Array.prototype.forEach.call(svg.querySelectorAll(".sel,.up,.down,.dimmed,.hl"), function (x) {
            x.classList.remove("sel", "up", "down", "dimmed", "hl");
          });
        }
        function reveal(e) {
          if (!e || !e.getBoundingClientRect) return;
          var r = e.getBoundingClientRect(), c = canvas.getBoundingClientRect();
          if (r.left < c.left || r.right > c.right) canvas.scrollLeft += r.left - c.left - 40;
          if (r.top < c.top || r.bottom > c.bottom) canvas.scrollTop += r.top - c.top - c.height / 3;
        }
        function select(n) {
          clear();
          var up = walk(n, false), down = walk(n, true);
          var inSet = {};
          inSet[key(n.dataset, n.column)] = true;
          up.forEach(function (h) { inSet[key(h.node.dataset, h.node.column)] = true; var e = nodeEl(h.node); if (e) e.classList.add("up"); });
          down.forEach(function (h) { inSet[key(h.node.dataset, h.node.column)] = true; var e = nodeEl(h.node); if (e) e.classList.add("down"); });
          var s = nodeEl(n);
          if (s) { s.classList.add("sel"); reveal(s); }
          var touched = {};
          Object.keys(inSet).forEach(function (k) { touched[k.split("\u0000")[0]] = true; });
          Object.keys(tableEls).forEach(function (id) { if (!touched[id]) tableEls[id].parentNode.classList.add("dimmed"); });
          edgeEls.forEach(function (e) {
            if (inSet[e.from] && inSet[e.to]) e.el.classList.add("hl"); else e.el.classList.add("dimmed");
          });
          if (o.onSelect) o.onSelect(n, up, down);
        }
        // Tables and columns whose name, type or tags contain every word of `text`: marked, the
        // rest dimmed, the first one scrolled into view. Returns the matches.
        function search(text) {
          Array.prototype.forEach.call(svg.querySelectorAll(".match"), function (x) { x.classList.remove("match"); });
          clear();
          var words = String(text || "").toLowerCase().split(/\s+/).filter(function (w) { return w; });
          if (!words.length) return [];
          var hits = [];
          function matches(s) { s = s.toLowerCase(); return words.every(function (w) { return s.indexOf(w) >= 0; }); }
          G.datasets.forEach(function (d) {
            if (matches(d.id)) hits.push({ dataset: d.id, column: null });
            d.columns.forEach(function (c) {
              if (matches(d.id + "." + c.name + " " + c.type + " " + c.tags.join(" "))) hits.push({ dataset: d.id, column: c.name });
            });
          });
          var touched = {};
          hits.forEach(function (h) { touched[h.dataset] = true; var e = nodeEl(h); if (e) e.classList.add("match"); });
          Object.keys(tableEls).forEach(function (id) { if (!touched[id]) tableEls[id].parentNode.classList.add("dimmed"); });
          edgeEls.forEach(function (e) { e.el.classList.add("dimmed"); });
          if (hits.length) reveal(nodeEl(hits[0]));
          return hits;
        }
        function node(name) {
          if (tableEls[name]) return { dataset: name, column: null };
          var dot = name.lastIndexOf(".");
          while (dot > 0) {
            if (colEls[key(name.slice(0, dot), name.slice(dot + 1))]) return { dataset: name.slice(0, dot), column: name.slice(dot + 1) };
            dot = name.lastIndexOf(".", dot - 1);
          }
          return null;
        }
        svg.addEventListener("click", function () { clear(); if (o.onClear) o.onClear(); });
        return { select: select, clear: clear, search: search, zoom: zoom, fit: fit, node: node,
                 counts: { tables: Object.keys(tableEls).length, columns: columnCount, edges: edgeEls.length } };
      }
      function name(n) { return n.dataset + (n.column == null ? "" : "." + n.column); }
      return { render: render, name: name };
    })();
    </script>

    """#
}
