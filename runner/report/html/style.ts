// The pages' own stylesheet (uPlot's is inlined beside it). Light and print-friendly: the report is
// read on a screen, attached to a ticket or printed for a release review. The verdict colours are
// the same classes on both pages: pass/better green, fail/worse red, inconclusive amber, no data grey.
export const PAGE_CSS = `
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #dadce0; --bg: #f6f7f9; --card: #fff;
  --pass-bg: #e6f4ea; --pass-fg: #137333; --fail-bg: #fce8e6; --fail-fg: #b3261e;
  --amber-bg: #fef3e0; --amber-fg: #8a4b00; --grey-bg: #eceff1; --grey-fg: #4a4f55; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px 48px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; font-weight: 650; }
h2 { font-size: 17px; margin: 28px 0 10px; font-weight: 650; }
h3 { font-size: 14px; margin: 16px 0 6px; font-weight: 650; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
header.run { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 16px 28px; }
header.run .headline { flex: 1 1 420px; }
.outcome { display: inline-block; padding: 6px 14px; border-radius: 6px; font-weight: 700; font-size: 16px; }
.outcome small { font-weight: 500; font-size: 13px; }
.meta { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 6px 18px; margin: 14px 0 0;
  background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
.meta div { min-width: 0; }
.meta dt { color: var(--muted); font-size: 12px; }
.meta dd { margin: 0; overflow-wrap: anywhere; }
h1 .mono { font-size: 0.9em; }
.callout { border-radius: 8px; padding: 10px 14px; margin: 12px 0; border: 1px solid; }
.callout.error { background: var(--fail-bg); border-color: #f1b5ae; color: var(--fail-fg); }
.callout.warn { background: var(--amber-bg); border-color: #f5cf8f; color: var(--amber-fg); }
.callout ul { margin: 4px 0 0; padding-left: 20px; }
.callout strong { display: block; }
/* Only the page's own tables: uPlot's legend is a table too. */
table.data { border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; width: 100%; }
table.data th, table.data td { padding: 7px 10px; text-align: left; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data th { background: #f1f3f4; font-weight: 600; font-size: 12.5px; white-space: nowrap; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data tr:last-child td { border-bottom: 0; }
table.data td.mono { overflow-wrap: anywhere; }
table.data td.objective { white-space: nowrap; }
.badge { display: inline-block; padding: 2px 9px; border-radius: 10px; font-weight: 650; font-size: 12.5px; white-space: nowrap; }
.r-pass { background: var(--pass-bg); color: var(--pass-fg); }
.r-fail { background: var(--fail-bg); color: var(--fail-fg); }
.r-amber { background: var(--amber-bg); color: var(--amber-fg); }
.r-grey { background: var(--grey-bg); color: var(--grey-fg); }
tr.row-pass td:first-child { box-shadow: inset 4px 0 0 var(--pass-fg); }
tr.row-fail td:first-child { box-shadow: inset 4px 0 0 var(--fail-fg); }
tr.row-amber td:first-child { box-shadow: inset 4px 0 0 #e09a1a; }
tr.row-grey td:first-child { box-shadow: inset 4px 0 0 #9aa0a6; }
tr.row-fail td.value { color: var(--fail-fg); font-weight: 650; }
tr.row-amber td.value { color: var(--amber-fg); font-weight: 650; }
.desc { color: var(--muted); font-size: 12.5px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
figure.chart { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px 6px; min-width: 0; }
figure.chart figcaption { margin-bottom: 6px; }
.chart-title { display: block; font-weight: 650; }
.chart-note { display: block; color: var(--muted); font-size: 12.5px; }
.plot { width: 100%; min-height: 240px; }
.chart-empty .empty { color: var(--muted); margin: 24px 0; text-align: center; }
.uplot { font-family: inherit; }
.u-legend { font-size: 12.5px; }
.u-legend .u-marker { border-radius: 2px; }
.bar { display: inline-block; height: 8px; border-radius: 4px; background: #e57373; vertical-align: middle; margin-right: 6px; }
.stack > div + div { margin-top: 8px; }
.legend-key { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
p.method { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { body { background: #fff; padding: 0; } .charts { grid-template-columns: 1fr; } figure.chart { break-inside: avoid; } }
`;
