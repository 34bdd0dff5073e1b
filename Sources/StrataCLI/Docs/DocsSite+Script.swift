extension DocsSite {
    /// The site's script: routes, pages and search over the embedded catalog. Every value reaches
    /// the page as text (`textContent`), never as markup.
    static let script = #"""
    (function () {
      "use strict";
      window.addEventListener("error", function (e) { document.body.setAttribute("data-error", String(e.message)); });
      var C = JSON.parse(document.getElementById("catalog").textContent);
      var main = document.getElementById("main"), nav = document.getElementById("nav");
      var tables = Object.create(null), pipelines = Object.create(null), roles = Object.create(null);
      C.tables.forEach(function (t) { tables[t.id] = t; });
      C.pipelines.forEach(function (p) { pipelines[p.name] = p; });
      C.roles.forEach(function (r) { roles[r.name] = r; });
      var LAYERS = ["bronze", "silver", "gold", "quarantine", "served"];

      function h(tag, attrs) {
        var e = document.createElement(tag);
        if (attrs) Object.keys(attrs).forEach(function (k) {
          if (attrs[k] == null || attrs[k] === false) return;
          if (k === "text") e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]);
        });
        for (var i = 2; i < arguments.length; i++) add(e, arguments[i]);
        return e;
      }
      function add(parent, c) {
        if (c == null || c === false) return;
        if (Array.isArray(c)) { c.forEach(function (x) { add(parent, x); }); return; }
        parent.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
      }
      function enc(s) { return encodeURIComponent(s).replace(/%2E/gi, "."); }
      function link(href, text, cls) { return h("a", { href: href, text: text, "class": cls }); }
      function tableLink(id) { return tables[id] ? link("#/table/" + enc(id), id) : h("span", { text: id }); }
      function pipelineLink(n) { return pipelines[n] ? link("#/pipeline/" + enc(n), n) : h("span", { text: n }); }
      function badge(text, cls) { return h("span", { "class": "badge " + (cls || ""), text: text }); }
      function layerBadge(l) { return badge(l, "layer-" + l); }
      function number(n) { return n == null ? "" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
      function bytes(n) {
        if (n == null) return "";
        var u = ["B", "KB", "MB", "GB", "TB"], i = 0;
        while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
        return (i ? n.toFixed(1) : String(n)) + " " + u[i];
      }
      function status(s) {
        if (!s) return h("span", { "class": "muted", text: "never run" });
        return h("span", { "class": s === "COMPLETE" ? "ok" : (s === "FAIL" || s === "ABORT") ? "bad" : "warn", text: s });
      }
      function grid(head, rows, numeric) {
        numeric = numeric || [];
        return h("table", { "class": "grid" },
          h("thead", null, h("tr", null, head.map(function (x, i) { return h("th", { text: x, "class": numeric.indexOf(i) >= 0 ? "num" : null }); }))),
          h("tbody", null, rows));
      }
      function row(cells, numeric, attrs) {
        numeric = numeric || [];
        return h("tr", attrs, cells.map(function (c, i) { return h("td", { "class": numeric.indexOf(i) >= 0 ? "num" : null }, c); }));
      }
      function stat(value, label) { return h("div", { "class": "stat" }, h("b", { text: value }), h("span", { text: label })); }
      function tagsOf(c) {
        return [].concat(
          c.tags.declared.map(function (t) { return badge(t, "tag"); }),
          c.tags.detected.filter(function (t) { return c.tags.declared.indexOf(t) < 0; }).map(function (t) { return badge(t + " (detected)", "tag detected"); }),
          c.tags.propagated.filter(function (t) { return c.tags.declared.indexOf(t) < 0; }).map(function (t) { return badge(t + " (propagated)", "tag propagated"); }));
      }
      function seesCell(a) {
        if (!a) return h("span", { "class": "muted", text: "\u2014" });
        var kind = /^clear/.test(a.sees) ? "clear" : /^masked/.test(a.sees) ? "masked" : /^denied/.test(a.sees) ? "denied" : "hidden";
        return h("span", { "class": "badge sees-" + kind, text: a.sees, title: a.rule || "" });
      }
      function checkResult(c) {
        if (!c.last) return h("span", { "class": "muted", text: "no result yet" });
        return h("span", null, h("span", { "class": c.last.success ? "ok" : "bad", text: c.last.success ? "passed" : "failed" }),
          h("span", { "class": "muted", text: " \u00b7 " + c.last.time }));
      }

      // Navigation: the tables by layer, pipelines and roles.
      function buildNav() {
        add(nav, [h("h3", { text: "Project" }), link("#/", "Overview"), link("#/lineage", "Lineage graph")]);
        LAYERS.forEach(function (l) {
          var ts = C.tables.filter(function (t) { return t.layer === l; });
          if (!ts.length) return;
          add(nav, h("h3", { text: l + " (" + ts.length + ")" }));
          ts.forEach(function (t) { add(nav, link("#/table/" + enc(t.id), t.id)); });
        });
        add(nav, h("h3", { text: "Pipelines (" + C.pipelines.length + ")" }));
        C.pipelines.forEach(function (p) { add(nav, link("#/pipeline/" + enc(p.name), p.name)); });
        if (C.roles.length) {
          add(nav, h("h3", { text: "Roles (" + C.roles.length + ")" }));
          C.roles.forEach(function (r) { add(nav, link("#/role/" + enc(r.name), r.name)); });
        }
      }

      function overview() {
        var failed = C.pipelines.filter(function (p) { return p.status === "FAIL" || p.status === "ABORT"; }).length;
        var checks = [].concat.apply([], C.pipelines.map(function (p) { return p.checks; }));
        var checkFails = checks.filter(function (c) { return c.last && !c.last.success; }).length;
        var quarantined = C.tables.reduce(function (n, t) { return n + (t.quarantine ? t.quarantine.rows : 0); }, 0);
        add(main, [
          h("h1", { text: C.project.name }),
          h("p", { "class": "muted", text: "Generated " + C.project.generated_at + " by strata " + C.project.strata_version + " from " + C.project.config }),
          h("div", { "class": "stats" }, stat(C.tables.length, "tables"), stat(C.pipelines.length, "pipelines"), stat(failed, "failed pipelines"),
            stat(checks.length, "expectations"), stat(checkFails, "failing expectations"), stat(number(quarantined), "quarantined rows"),
            stat(C.roles.length, "roles"), stat(C.findings.length, "policy findings")),
          h("h2", { text: "Tables" }),
          grid(["table", "layer", "description", "version", "rows", "size", "quarantined"], C.tables.map(function (t) {
            return row([tableLink(t.id), layerBadge(t.layer), t.description || "", t.version == null ? "not written" : String(t.version),
              number(t.rows), bytes(t.bytes), t.quarantine ? number(t.quarantine.rows) : ""], [3, 4, 5, 6]);
          }), [3, 4, 5, 6]),
          h("h2", { text: "Pipelines" }),
          grid(["pipeline", "writes", "status", "last run", "expectations"], C.pipelines.map(function (p) {
            var bad = p.checks.filter(function (c) { return c.last && !c.last.success; }).length;
            return row([pipelineLink(p.name), tableLink(p.writes), status(p.status), p.last_run || "",
              p.checks.length ? (p.checks.length - bad) + "/" + p.checks.length + " passed" : ""]);
          })),
          findings(C.findings)
        ]);
      }

      function findings(list) {
        if (!list.length) return null;
        return [h("h2", { text: "Policy findings (" + list.length + ")" }),
          grid(["severity", "subject", "finding"], list.map(function (f) {
            return row([h("span", { "class": f.severity === "high" ? "bad" : f.severity === "warning" ? "warn" : "muted", text: f.severity }), f.subject, f.message]);
          }))];
      }

      function tablePage(id, focus) {
        var t = tables[id];
        if (!t) return notFound("table " + id);
        var roleNames = C.roles.map(function (r) { return r.name; });
        add(main, [
          h("h1", null, t.id, " ", layerBadge(t.layer)),
          t.description ? h("p", { text: t.description }) : null,
          h("p", { "class": "muted" },
            t.pipeline ? ["written by ", pipelineLink(t.pipeline)] : "not written by a pipeline of this project",
            t.reads.length ? [" from ", t.reads.map(function (r, i) { return [i ? ", " : "", tableLink(r)]; })] : null,
            t.read_by.length ? ["; read by ", t.read_by.map(function (r, i) { return [i ? ", " : "", pipelineLink(r)]; })] : null,
            " \u00b7 ", link("#/lineage/" + enc(t.id), "lineage")),
          t.error ? h("p", { "class": "bad", text: t.error }) : null,
          h("div", { "class": "stats" }, stat(t.version == null ? "\u2014" : "v" + t.version, t.governed_as ? "served outside the lake, governed as " + t.governed_as : t.exists ? "version" : "not written yet"),
            stat(number(t.rows) || "\u2014", "rows"), stat(t.files == null ? "\u2014" : t.files, "files"), stat(bytes(t.bytes) || "\u2014", "size"),
            stat((t.partition_by || []).join(", ") || "none", "partitioned by"),
            t.quarantine ? stat(number(t.quarantine.rows), "quarantined rows") : null),
          h("h2", { text: "Columns (" + t.columns.length + ")" }),
          !t.columns.length && !t.exists ? h("p", { "class": "muted", text: "The schema is inferred from the data: run the pipeline to see its columns." }) : grid(["column", "type", "tags", "stored as"].concat(roleNames), t.columns.map(function (c) {
            return row([h("span", null, link("#/lineage/" + enc(t.id + "." + c.name), c.name, "mono"), " "), c.type, tagsOf(c), c.stored || ""]
              .concat(roleNames.map(function (r) { return seesCell(c.access[r]); })), [],
              { "data-col": c.name, "class": c.name === focus ? "focus" : null, id: "col-" + c.name });
          })),
          h("h2", { text: "Access" }),
          t.roles.length ? grid(["role", "reads", "rows", "rule"], t.roles.map(function (r) {
            return row([link("#/role/" + enc(r.role), r.role), r.allowed ? h("span", { "class": "ok", text: "allowed" }) : h("span", { "class": "bad", text: "denied" }),
              r.allowed ? (r.row_filter ? h("code", { text: "only where " + r.row_filter }) : "all") : (r.reason || ""), h("span", { "class": "mono", text: r.rule || "" })]);
          })) : h("p", { "class": "muted", text: "No roles are defined in the policies." }),
          h("h2", { text: "Expectations (" + t.checks.length + ")" }),
          t.checks.length ? grid(["check", "rule", "on failure", "last result"], t.checks.map(function (c) {
            return row([c.name, h("code", { text: c.rule }), c.action, checkResult(c)]);
          })) : h("p", { "class": "muted", text: "No expect checks run before this table is written." }),
          t.quarantine ? [h("h2", { text: "Quarantine" }),
            h("p", null, number(t.quarantine.rows) + " rows in ", tableLink(t.quarantine.table)),
            grid(["reason", "rows"], t.quarantine.reasons.map(function (r) { return row([r.reason, number(r.rows)], [1]); }), [1])] : null,
          h("h2", { text: "History" }),
          t.history.length ? grid(["version", "time", "operation", "pipeline", "rows", "run id"], t.history.map(function (c) {
            return row([String(c.version), c.time, c.operation, c.pipeline ? pipelineLink(c.pipeline) : "", number(c.rows), h("span", { "class": "mono", text: c.run_id || "" })], [0, 4]);
          }), [0, 4]) : h("p", { "class": "muted", text: "No commits yet: run `strata run`." }),
          findings(t.findings)
        ]);
        if (focus) {
          var r = document.getElementById("col-" + focus);
          if (r && r.scrollIntoView) r.scrollIntoView({ block: "center" });
        }
      }

      function pipelinePage(name) {
        var p = pipelines[name];
        if (!p) return notFound("pipeline " + name);
        add(main, [
          h("h1", { text: p.name }),
          p.description ? h("p", { text: p.description }) : null,
          h("p", { "class": "muted", text: p.location }),
          grid(["", ""], [
            row(["status", status(p.status)]), row(["last run", (p.last_run || "") + (p.run_id ? " (" + p.run_id + ")" : "")]),
            row(["source", p.source]), row(["transforms", p.transforms.join(" \u2192 ") || "none"]), row(["sink", p.sink]),
            row(["reads", p.reads.length ? p.reads.map(function (r, i) { return [i ? ", " : "", tableLink(r)]; }) : "files"]),
            row(["writes", tableLink(p.writes)])]),
          p.error ? [h("h2", { text: "Last error" }), h("pre", { "class": "mono", text: p.error })] : null,
          h("h2", { text: "Expectations (" + p.checks.length + ")" }),
          p.checks.length ? grid(["check", "rule", "on failure", "last result"], p.checks.map(function (c) {
            return row([c.name, h("code", { text: c.rule }), c.action, checkResult(c)]);
          })) : h("p", { "class": "muted", text: "No expect checks." })
        ]);
      }

      function rolePage(name) {
        var r = roles[name];
        if (!r) return notFound("role " + name);
        add(main, [
          h("h1", { text: "Role " + r.name }),
          r.description ? h("p", { text: r.description }) : null,
          h("p", { "class": "muted", text: r.source + (r.can_unmask ? " \u00b7 may unmask tokens" : "") }),
          grid(["table", "reads", "rows", "clear", "masked", "hidden"], C.tables.map(function (t) {
            var a = t.roles.filter(function (x) { return x.role === name; })[0];
            if (!a) return null;
            function cols(kind) {
              return t.columns.filter(function (c) { var s = c.access[name]; return s && s.sees.indexOf(kind) === 0; })
                .map(function (c) { return c.name + (kind === "masked" ? " " + c.access[name].sees.slice(6).trim() : ""); }).join(", ");
            }
            return row([tableLink(t.id), a.allowed ? h("span", { "class": "ok", text: "allowed" }) : h("span", { "class": "bad", text: "denied" }),
              a.allowed ? (a.row_filter ? "only where " + a.row_filter : "all") : "", a.allowed ? cols("clear") : "", a.allowed ? cols("masked") : "", a.allowed ? cols("hidden") : ""]);
          }))
        ]);
      }

      var lineageView = null;
      function lineagePage(target) {
        main.className = "full";
        var search = h("input", { type: "search", placeholder: "Find a table or column in the graph (Enter selects the first)", id: "lin-q", "aria-label": "Find in the graph" });
        var hitsEl = h("span", { "class": "muted" }), zoomEl = h("span", { "class": "zoom", text: "100%" });
        var zin = h("button", { text: "+", title: "Zoom in (Ctrl+wheel)", id: "zoom-in" }), zout = h("button", { text: "\u2212", title: "Zoom out (Ctrl+wheel)", id: "zoom-out" });
        var fit = h("button", { text: "Fit", id: "fit", title: "Fit the width" });
        var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
        svg.setAttribute("class", "lin-svg");
        svg.setAttribute("id", "graph");
        var canvas = h("div", { "class": "lin-canvas", id: "canvas" }, svg);
        var details = h("div", { id: "lin-details" }, h("p", { text: "Click a table or a column to see its upstream (blue) and downstream (green)." }));
        add(main, [h("div", { "class": "lin-wrap" }, h("div", { "class": "lin-tools" }, link("#/", "\u2190 Catalog"), search, hitsEl, zout, zoomEl, zin, fit), canvas),
          h("div", { id: "lin-panel" }, h("h2", { text: "Lineage" }),
            h("p", { "class": "legend" }, h("span", null, h("i", { "class": "sw", style: "background:#8fa6c6" }), "direct"),
              h("span", null, h("i", { "class": "sw", style: "background:#b8b8b8" }), "indirect"), h("span", null, h("i", { "class": "sw", style: "background:#cc3333" }), "masked")),
            details)]);
        function list(title, hits) {
          return [h("h2", { text: title + " (" + hits.length + ")" }), h("ul", null, hits.length ? hits.map(function (x) {
            var n = StrataLineage.name(x.node);
            return h("li", null, link("#/lineage/" + enc(n), n), " \u00b7 " + x.dist + " hop" + (x.dist > 1 ? "s" : "") + (x.sub ? " \u00b7 " + x.sub : "") + (x.masking ? " \u00b7 masked" : "") + " \u00b7 " + x.via);
          }) : h("li", { text: "none" }))];
        }
        lineageView = StrataLineage.render({
          svg: svg, canvas: canvas, data: C.lineage,
          onZoom: function (s) { zoomEl.textContent = Math.round(s * 100) + "%"; },
          onSelect: function (n, up, down) {
            details.textContent = "";
            var name = StrataLineage.name(n), t = tables[n.dataset];
            add(details, [h("h2", { text: name }), t ? h("p", null, link("#/table/" + enc(n.dataset) + (n.column ? "/" + enc(n.column) : ""), "open in the catalog")) : null,
              list("Upstream", up), list("Downstream", down)]);
            document.body.setAttribute("data-selected", name);
            document.body.setAttribute("data-upstream", String(up.length));
            document.body.setAttribute("data-downstream", String(down.length));
          },
          onClear: function () { document.body.removeAttribute("data-selected"); }
        });
        var hits = [];
        search.addEventListener("input", function () {
          hits = lineageView.search(search.value);
          hitsEl.textContent = search.value ? hits.length + " found" : "";
          document.body.setAttribute("data-matches", String(hits.length));
        });
        search.addEventListener("keydown", function (ev) { if (ev.key === "Enter" && hits.length) lineageView.select(hits[0]); });
        zin.addEventListener("click", function () { lineageView.zoom(1.25); });
        zout.addEventListener("click", function () { lineageView.zoom(0.8); });
        fit.addEventListener("click", function () { lineageView.fit(); });
        document.body.setAttribute("data-rendered", String(lineageView.counts.tables));
        document.body.setAttribute("data-columns", String(lineageView.counts.columns));
        if (target) {
          var n = lineageView.node(target);
          if (n) lineageView.select(n); else add(details, h("p", { "class": "bad", text: "no table or column " + target + " in the lineage graph" }));
        }
      }

      function notFound(what) { add(main, [h("h1", { text: "Not found" }), h("p", { text: "There is no " + what + " in this catalog." }), link("#/", "Back to the overview")]); }

      function route() {
        var hash = location.hash.replace(/^#\/?/, "");
        // Split first, then decode each part: a hand-typed `%` is text, not an error.
        var parts = hash.split("/").map(function (p) { try { return decodeURIComponent(p); } catch (e) { return p; } });
        main.textContent = "";
        main.className = "";
        main.scrollTop = 0;
        lineageView = null;
        ["data-selected", "data-upstream", "data-downstream", "data-rendered", "data-columns", "data-matches"].forEach(function (a) { document.body.removeAttribute(a); });
        var page = parts[0] || "overview";
        // First, so the layout the page is drawn into is the page's own (lineage hides the nav).
        document.body.setAttribute("data-page", page);
        if (page === "table") tablePage(parts[1], parts.slice(2).join("/") || null);
        else if (page === "pipeline") pipelinePage(parts.slice(1).join("/"));
        else if (page === "role") rolePage(parts.slice(1).join("/"));
        else if (page === "lineage") lineagePage(parts.slice(1).join("/") || null);
        else if (page === "overview") overview();
        else notFound("page " + hash);
        Array.prototype.forEach.call(nav.querySelectorAll("a"), function (a) { a.classList.toggle("current", a.getAttribute("href") === "#/" + parts.slice(0, 2).map(enc).join("/")); });
      }

      // Search: tables, columns (name, type, tags), pipelines and roles; every word must match.
      var index = [];
      C.tables.forEach(function (t) {
        index.push({ kind: "table", label: t.id, hint: t.description || t.layer, href: "#/table/" + enc(t.id), text: t.id + " " + (t.description || "") });
        t.columns.forEach(function (c) {
          var tags = c.tags.declared.concat(c.tags.detected, c.tags.propagated);
          index.push({ kind: "column", label: t.id + "." + c.name, hint: c.type + (tags.length ? " \u00b7 " + tags.join(", ") : ""),
            href: "#/table/" + enc(t.id) + "/" + enc(c.name), text: t.id + "." + c.name + " " + c.name + " " + c.type + " " + tags.join(" ") + " " + (c.stored || "") });
        });
      });
      C.pipelines.forEach(function (p) { index.push({ kind: "pipeline", label: p.name, hint: "writes " + p.writes, href: "#/pipeline/" + enc(p.name), text: p.name + " " + (p.description || "") }); });
      C.roles.forEach(function (r) { index.push({ kind: "role", label: r.name, hint: r.description || "", href: "#/role/" + enc(r.name), text: r.name + " " + (r.description || "") }); });
      var q = document.getElementById("q"), results = document.getElementById("results");
      function find(text) {
        var words = text.toLowerCase().split(/\s+/).filter(function (w) { return w; });
        if (!words.length) return [];
        var hits = index.filter(function (e) { var s = e.text.toLowerCase(); return words.every(function (w) { return s.indexOf(w) >= 0; }); });
        // Exact label matches first, then label prefix, then the rest (stable).
        function rank(e) { var l = e.label.toLowerCase(), w = words.join(" "); return l === w || l.endsWith("." + w) ? 0 : l.indexOf(w) >= 0 ? 1 : 2; }
        return hits.map(function (e, i) { return [rank(e), i, e]; }).sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; }).map(function (x) { return x[2]; });
      }
      function showResults() {
        var hits = find(q.value);
        results.textContent = "";
        document.body.setAttribute("data-results", String(hits.length));
        if (!q.value.trim()) { results.hidden = true; return; }
        hits.slice(0, 50).forEach(function (e, i) {
          add(results, h("a", { href: e.href, "data-result": e.label, "class": i === 0 ? "active" : null }, h("span", { "class": "kind", text: e.kind }), h("b", { text: e.label }), " ",
            h("span", { "class": "muted", text: e.hint })));
        });
        if (!hits.length) add(results, h("div", { "class": "more", text: "nothing matches \u201c" + q.value + "\u201d" }));
        else if (hits.length > 50) add(results, h("div", { "class": "more", text: (hits.length - 50) + " more: refine the search" }));
        results.hidden = false;
      }
      q.addEventListener("input", showResults);
      q.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter") { var first = results.querySelector("a"); if (first) { location.hash = first.getAttribute("href"); results.hidden = true; } }
        if (ev.key === "Escape") { results.hidden = true; }
      });
      results.addEventListener("click", function () { results.hidden = true; });
      document.addEventListener("click", function (ev) { if (!results.contains(ev.target) && ev.target !== q) results.hidden = true; });
      document.addEventListener("keydown", function (ev) { if (ev.key === "/" && document.activeElement !== q && !(document.activeElement && document.activeElement.tagName === "INPUT")) { ev.preventDefault(); q.focus(); } });

      buildNav();
      window.addEventListener("hashchange", route);
      window.addEventListener("resize", function () { if (lineageView) lineageView.fit(); });
      route();
      document.body.setAttribute("data-ready", "1");
    })();
    """#
}
