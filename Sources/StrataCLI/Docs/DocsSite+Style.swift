extension DocsSite {
    static let style = #"""
    * { box-sizing: border-box; }
    html, body { margin: 0; height: 100%; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; background: #fff; }
    a { color: #0b5cad; text-decoration: none; }
    a:hover { text-decoration: underline; }
    header { height: 48px; display: flex; align-items: center; gap: 12px; padding: 0 16px; background: #1f2a3a; color: #fff; position: relative; z-index: 5; }
    header .brand { color: #fff; font-weight: 600; font-size: 16px; }
    header .sub { color: #9fb0c6; font-size: 13px; }
    .searchbox { margin-left: auto; width: min(460px, 50vw); position: relative; }
    .searchbox input { width: 100%; padding: 6px 10px; border-radius: 5px; border: 0; font: inherit; }
    #results { position: absolute; top: 36px; left: 0; right: 0; max-height: 70vh; overflow: auto; background: #fff; color: #1f2328; border: 1px solid #ccd; border-radius: 5px; box-shadow: 0 6px 24px rgba(0,0,0,.18); }
    #results a { display: block; padding: 6px 10px; border-bottom: 1px solid #f0f0f3; color: #1f2328; }
    #results a:hover, #results a.active { background: #eef3ff; text-decoration: none; }
    #results .kind { display: inline-block; min-width: 62px; color: #6a737d; font-size: 12px; }
    #results .more { padding: 6px 10px; color: #6a737d; font-size: 12px; }
    #layout { display: flex; height: calc(100% - 48px); }
    nav { width: 250px; flex: none; overflow: auto; border-right: 1px solid #e2e4e8; background: #f7f8fa; padding: 10px 0; font-size: 13px; }
    nav h3 { margin: 12px 16px 4px; font-size: 11px; text-transform: uppercase; letter-spacing: .08em; color: #6a737d; }
    nav a { display: block; padding: 2px 16px; color: #1f2328; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    nav a.current { background: #dde7f7; font-weight: 600; }
    main { flex: 1; overflow: auto; padding: 18px 26px 40px; min-width: 0; }
    main.full { padding: 0; display: flex; overflow: hidden; }
    h1 { font-size: 22px; margin: 0 0 6px; }
    h2 { font-size: 16px; margin: 26px 0 8px; border-bottom: 1px solid #e8e8ec; padding-bottom: 4px; }
    .muted { color: #6a737d; }
    .badge { display: inline-block; padding: 0 7px; border-radius: 9px; font-size: 12px; line-height: 19px; margin-right: 4px; background: #eef0f3; color: #333; vertical-align: 2px; }
    .layer-bronze { background: #f1dcc7; } .layer-silver { background: #e4e6ec; } .layer-gold { background: #f6e7b0; } .layer-quarantine { background: #f4cccc; }
    .tag { background: #fbe3e3; color: #8a1f1f; }
    .tag.detected { background: #fff0d6; color: #7a4b00; }
    .tag.propagated { background: #efe6fb; color: #4b2a7a; }
    .ok { color: #1d7a33; font-weight: 600; } .bad { color: #b42318; font-weight: 600; } .warn { color: #9a6700; font-weight: 600; }
    .sees-clear { background: #dff3e4; } .sees-masked { background: #fff3cd; } .sees-hidden, .sees-denied { background: #eceef1; color: #6a737d; }
    table.grid { border-collapse: collapse; width: 100%; margin: 4px 0 8px; font-size: 13px; }
    table.grid th, table.grid td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eceef1; vertical-align: top; }
    table.grid th { background: #f7f8fa; font-weight: 600; position: sticky; top: 0; }
    table.grid td.num, table.grid th.num { text-align: right; font-variant-numeric: tabular-nums; }
    table.grid tr.focus td { background: #fff7d6; }
    code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
    .stats { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
    .stat { border: 1px solid #e2e4e8; border-radius: 6px; padding: 8px 12px; min-width: 110px; }
    .stat b { display: block; font-size: 18px; }
    .stat span { color: #6a737d; font-size: 12px; }
    body[data-page="lineage"] nav { display: none; }
    .lin-wrap { flex: 1; display: flex; flex-direction: column; min-width: 0; }
    .lin-wrap .lin-canvas { flex: 1; }
    #lin-panel { width: 280px; flex: none; border-left: 1px solid #e2e4e8; padding: 12px 16px; overflow: auto; background: #f7f8fa; font-size: 13px; }
    #lin-panel h2 { margin-top: 12px; overflow-wrap: anywhere; }
    #lin-panel ul { margin: 0; padding-left: 18px; }
    .legend span { display: inline-block; margin-right: 10px; }
    """#
}
