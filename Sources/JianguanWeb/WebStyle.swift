/// The one stylesheet of the pages (served at `/static/site.css`), with its print rules. Compiled
/// into the binary, so a copied `jianguan` serves it from anywhere.
public enum WebStyle {
  public static let css = """
    :root { --ink: #1d2733; --muted: #5b6775; --line: #d5dbe3; --accent: #b3261e; --ok: #1b6e3a;
      --bg: #f7f8fa; font-family: "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Zen Hei", sans-serif; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); background: var(--bg); line-height: 1.6; font-size: 16px; }
    a { color: #0b57a4; } a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f2b705; }
    .skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px; }
    header.top { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: center; padding: 10px 16px;
      background: var(--accent); color: #fff; }
    header.top a { color: #fff; } .brand { font-weight: 700; font-size: 18px; }
    header nav { display: flex; flex-wrap: wrap; gap: 4px 14px; }
    header nav a[aria-current] { font-weight: 700; text-decoration: underline; }
    main { max-width: 1080px; margin: 0 auto; padding: 16px; }
    h1 { font-size: 24px; margin: 8px 0 16px; } h2 { font-size: 19px; margin: 24px 0 8px; }
    section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 0 0 16px; }
    .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-bottom: 16px; }
    .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
    .card b { display: block; font-size: 22px; } .muted, .card span { color: var(--muted); }
    .scroll { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: 15px; }
    th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { background: #eef1f5; white-space: nowrap; } td.num, th.num { text-align: right; white-space: nowrap; }
    form.row { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: end; margin: 8px 0; }
    form.inline { display: inline; margin: 0; }
    label { display: flex; flex-direction: column; font-size: 14px; color: var(--muted); }
    input, select, button { font: inherit; padding: 5px 8px; border: 1px solid #9aa5b1; border-radius: 4px; }
    button { background: #0b57a4; color: #fff; border-color: #0b57a4; cursor: pointer; }
    button.danger { background: var(--accent); border-color: var(--accent); }
    header.top button { background: transparent; border-color: #fff; }
    .flash { padding: 10px 14px; border-radius: 6px; border: 1px solid; }
    .flash.error { background: #fdecea; border-color: var(--accent); color: #7a1712; }
    .flash.done { background: #e8f5ec; border-color: var(--ok); color: #0f4424; }
    .status-active { color: var(--ok); } .status-suspended { color: #9a5b00; } .status-revoked { color: var(--accent); }
    svg.chart { width: 100%; height: auto; max-width: 720px; font-size: 13px; }
    svg .bar { fill: #0b57a4; } svg .line { fill: none; stroke: #0b57a4; stroke-width: 2.5; }
    svg .axis { stroke: #9aa5b1; } svg .figure { fill: var(--ink); font-weight: 700; } svg text { fill: var(--muted); }
    code { word-break: break-all; } td[data-label="区县"] { white-space: nowrap; }
    pre { white-space: pre-wrap; word-break: break-all; background: #f1f3f6; padding: 8px; font-size: 13px; }
    footer { max-width: 1080px; margin: 0 auto; padding: 8px 16px 24px; color: var(--muted); font-size: 13px; }
    @media (max-width: 600px) {
      body { font-size: 15px; } main { padding: 10px; } h1 { font-size: 20px; }
      table.wide thead { display: none; } table.wide tr { display: block; border-bottom: 2px solid var(--line); }
      table.wide td { display: flex; justify-content: space-between; gap: 12px; border: 0; padding: 3px 4px; }
      table.wide td::before { content: attr(data-label); color: var(--muted); flex: 0 0 5.5em; white-space: nowrap; }
      table.wide td { text-align: right; }
      svg.chart { font-size: 18px; }
      table.wide td.num { text-align: right; }
    }
    @media print {
      header.top, nav, form, .skip, footer { display: none !important; }
      body { background: #fff; font-size: 11pt; } section { border: 0; padding: 0; }
      a { color: inherit; text-decoration: none; }
    }
    """
}
