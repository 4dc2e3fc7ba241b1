/** The HTML report's stylesheet (inlined into the page: its CSP allows inline styles only). Light and dark screens, print. */

/** Narrow screens and paper (A4 leaves ~690 px): tighter tables, no per-row meters, shorter strips. */
const COMPACT = `table.data{font-size:12px}table.data th,table.data td{padding:5px 6px}
table.data td.ops{white-space:nowrap;font-size:11px}.meter-cell{display:none}
svg.partition{width:150px}table.data td.layout{width:auto}table.data thead th{white-space:normal}table.compare td.bar-cell{width:16%}
.card .d{font-size:12px}.lede{font-size:15px}`;

export const CSS = `
:root{--fg:#1b2330;--muted:#5b6675;--faint:#8a94a3;--bg:#fff;--panel:#f6f8fb;--line:#e3e7ee;--grid:#e9edf3;--grid2:#f3f5f8;
--blue:#2f6fd6;--blue-soft:#9dbcec;--orange:#e0701b;--orange-soft:#fde6d3;--violet:#7b4fc9;--slate:#6b7686;--dom:#eef3fb;
--green:#1f8a4c;--op-conv:#3d5a80;--op-pw:#98c1d9;--op-dw:#ee9b6d;--op-pool:#8fbf88;--op-other:#c9ced6}
@media screen and (prefers-color-scheme:dark){:root{--fg:#e6eaf0;--muted:#a3adbb;--faint:#7d8897;--bg:#12161c;--panel:#1a2029;--line:#2b333f;
--grid:#262e39;--grid2:#1d242d;--blue:#5b93ea;--blue-soft:#3b5f96;--orange:#f08a3a;--orange-soft:#4a2f1a;--violet:#a583e6;--slate:#8b95a4;--dom:#17202c;--green:#5fcf8e}}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1040px;margin:0 auto;padding:40px 32px 56px}
h1{font-size:30px;line-height:1.2;margin:2px 0 10px;letter-spacing:-.01em;word-break:break-word}
h2{font-size:19px;margin:40px 0 4px;letter-spacing:-.005em}
.kicker{margin:0;color:var(--muted);font-size:13px;font-weight:600;letter-spacing:.06em;text-transform:uppercase}
.sub{margin:0 0 14px;color:var(--muted);font-size:14px;max-width:80ch}
.meta{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0;padding:12px 0 0;border-top:1px solid var(--line)}
.meta div{display:flex;flex-direction:column}
.meta dt{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.meta dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.lede{font-size:17px;margin:28px 0 18px;max-width:80ch}
.lede strong{font-variant-numeric:tabular-nums}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:14px;margin:0 0 22px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .k{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.card .v{font-size:26px;font-weight:700;font-variant-numeric:tabular-nums;line-height:1.25;margin-top:2px}
.card .d{font-size:13px;color:var(--muted);font-variant-numeric:tabular-nums}
.card.accent{border-color:var(--orange);box-shadow:inset 4px 0 0 var(--orange)}
.note{border-left:4px solid var(--violet);padding:6px 12px;background:var(--panel)}
.chart .budget{stroke:#c0392b;stroke-width:1.5;stroke-dasharray:6 4}.chart text.budget-label{fill:#c0392b}
.good{color:#1f8a4c}
@media screen and (prefers-color-scheme:dark){.good{color:#5fcf8e}}
figure{margin:12px 0 0;background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:10px 10px 4px;break-inside:avoid}
figcaption{font-size:13px;color:var(--muted);padding:4px 8px 8px}
svg.chart{display:block;width:100%;height:auto;font-family:inherit}
.chart .grid{stroke:var(--grid);stroke-width:1}
.chart .grid.minor{stroke:var(--grid2)}
.chart .axis{stroke:var(--faint);stroke-width:1}
.chart .tick{fill:var(--muted);font-size:12px;font-variant-numeric:tabular-nums}
.chart .axis-title{fill:var(--muted);font-size:13px;font-weight:600}
.chart .legend{fill:var(--fg);font-size:12px}
.chart .callout{fill:var(--fg);font-size:12.5px;font-weight:600;paint-order:stroke;stroke:var(--bg);stroke-width:4px;stroke-linejoin:round}
.chart .callout.muted{fill:var(--muted);font-weight:500}
.chart .dominated{fill:var(--dom);stroke:none}
.chart .sw.dominated{stroke:var(--line)}
.chart .step{fill:none;stroke:var(--blue);stroke-width:2;stroke-linejoin:round}
.chart .front{fill:var(--bg);stroke:var(--blue);stroke-width:2}
.chart .pt.front:hover{fill:var(--blue)}
.chart .pt.chosen,.chart .sw.chosen{fill:var(--orange);stroke:var(--bg);stroke-width:2}
.chart .halo{fill:none;stroke:var(--orange);stroke-width:2;opacity:.55}
.chart .vanilla{fill:var(--slate);stroke:var(--bg);stroke-width:1.5}
.chart .heuristic{fill:var(--violet);stroke:var(--bg);stroke-width:1.5}
.chart .pt{cursor:default}
.chart .bar{stroke:none}
.chart .bar.fused{fill:var(--blue)}
.chart .bar.layer{fill:var(--blue-soft)}
.chart .bar.peak{fill:var(--orange)}
.chart .bar:hover{opacity:.85}
.chart .bar-label{fill:var(--muted);font-size:11px;font-variant-numeric:tabular-nums}
.chart .bar-label.peak{fill:var(--orange);font-weight:700}
.chart .bar-label.inside{fill:#fff;font-weight:600}
.chart .peak-line{stroke:var(--orange);stroke-width:1.2;stroke-dasharray:5 4}
.chart .peak-text{fill:var(--orange)}
.chart .op.conv{fill:var(--op-conv)}.chart .op.pw{fill:var(--op-pw)}.chart .op.dw{fill:var(--op-dw)}
.chart .op.pool{fill:var(--op-pool)}.chart .op.other{fill:var(--op-other)}
.chart .stride{fill:var(--fg)}
.chart .hold.line{fill:var(--green)}.chart .hold.cache{fill:var(--violet)}.chart .hold.input{fill:var(--bg);stroke:var(--faint);stroke-width:1}
.chart .bar.inplace{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:3 2}
.tag.streamed{background:var(--panel);color:var(--green);border:1px solid var(--green)}
td.holds{font-size:12.5px}td.holds .line{color:var(--green);font-weight:600}td.holds .cache{color:var(--violet);font-weight:600}
/* A table wider than the column scrolls by itself, never the page. */
.wide{overflow-x:auto}
table.data{width:100%;border-collapse:collapse;font-size:13.5px;font-variant-numeric:tabular-nums;margin-top:10px}
table.data th,table.data td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:baseline}
table.blocks th,table.blocks td{padding:6px 7px}
table.data thead th{font-size:12px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em;border-bottom:2px solid var(--line);white-space:nowrap}
table.data .num{text-align:right;white-space:nowrap}
table.data tbody tr:hover{background:var(--panel)}
table.data tr.peak td,table.data tr.chosen td,table.data tr.chosen th{background:var(--orange-soft)}
table.data tfoot td{font-weight:600;border-bottom:none;border-top:2px solid var(--line)}
table.data small{color:var(--muted);font-weight:400}
table.data td.ops{font-family:ui-monospace,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
table.data td.layout{vertical-align:middle;width:300px}
svg.partition{display:block;max-width:100%;height:auto}
svg.partition .fused{fill:var(--blue)}svg.partition .layer{fill:var(--blue-soft)}
table.compare th[scope=row]{font-weight:600;white-space:nowrap}
table.compare td.bar-cell{width:32%;vertical-align:middle}
.hbar{display:block;height:10px;border-radius:3px;min-width:2px}
.hbar.chosen{background:var(--orange)}.hbar.heuristic{background:var(--violet)}.hbar.vanilla{background:var(--slate)}
.meter{display:inline-block;width:90px;height:8px;background:var(--grid);border-radius:4px;overflow:hidden;vertical-align:middle}
.meter span{display:block;height:100%;background:var(--blue)}
tr.peak .meter span{background:var(--orange)}
.tag{display:inline-block;font-size:11px;font-weight:600;padding:1px 7px;border-radius:999px;text-transform:uppercase;letter-spacing:.04em}
.tag.fused{background:var(--panel);color:var(--blue);border:1px solid var(--blue-soft)}
.tag.layer{background:var(--panel);color:var(--muted);border:1px solid var(--line)}
.tag.peak,.tag.chosen{background:var(--orange);color:#fff}
footer{margin-top:40px;padding-top:12px;border-top:1px solid var(--line);color:var(--muted);font-size:12.5px}
footer p{margin:4px 0}
@media (max-width:760px){.cards{grid-template-columns:repeat(2,1fr)}main{padding:24px 16px}}
@media (max-width:900px){${COMPACT}}
@media print{${COMPACT}@page{margin:14mm}body{font-size:10pt}main{max-width:none;padding:0}h2{break-after:avoid;margin-top:22px}
.cards{grid-template-columns:repeat(4,1fr)}.card{padding:10px 12px}.card .v{font-size:20px}figure{border-color:#ccc}
table.data tr{break-inside:avoid}table.data tbody tr:hover{background:none}.chart .pt.front:hover{fill:var(--bg)}}
`;
