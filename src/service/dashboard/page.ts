/** The dashboard's HTML and the sign-in page (no build step: the script is served from /assets/dashboard.js). */

const STYLE = `
:root { --bg:#0f1419; --panel:#172029; --text:#e6edf3; --muted:#8b98a5; --accent:#4aa3ff; --good:#3fb950; --bad:#f85149; --warn:#d29922; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); }
header { display:flex; gap:16px; align-items:center; padding:12px 20px; border-bottom:1px solid #26313c; flex-wrap:wrap; }
header h1 { font-size:18px; margin:0; letter-spacing:.5px; }
select, button, input { font:inherit; background:#0b1016; color:var(--text); border:1px solid #33404d; border-radius:6px; padding:5px 10px; }
button { cursor:pointer; background:#1f6feb; border-color:#1f6feb; }
button.secondary { background:#0b1016; border-color:#33404d; }
button:disabled { opacity:.5; cursor:default; }
#live { font-size:12px; color:var(--muted); }
#live.on::before { content:"● "; color:var(--good); }
#live.off::before { content:"● "; color:var(--bad); }
main { display:grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap:16px; padding:16px 20px; }
section { background:var(--panel); border:1px solid #26313c; border-radius:10px; padding:14px 16px; min-width:0; }
section h2 { font-size:13px; text-transform:uppercase; letter-spacing:.8px; color:var(--muted); margin:0 0 10px; font-weight:600; }
.kpis { display:flex; gap:28px; flex-wrap:wrap; }
.kpi .label { color:var(--muted); font-size:12px; }
.kpi .v { font-size:22px; font-variant-numeric: tabular-nums; }
.chart { width:100%; height:280px; }
table { width:100%; border-collapse:collapse; font-variant-numeric: tabular-nums; font-size:13px; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid #26313c; white-space:nowrap; }
td.reason { white-space:normal; color:var(--muted); }
th { color:var(--muted); font-weight:600; }
.tag { padding:1px 7px; border-radius:10px; font-size:12px; background:#26313c; }
.tag.rebalanced, .tag.filled, .tag.executed { background:#1a3d26; color:#7ee787; }
.tag.failed, .tag.rejected, .tag.refused, .tag.unknown { background:#4a1d1f; color:#ffa198; }
.tag.skipped, .tag.awaiting_approval, .tag.pending { background:#3d3215; color:#e3b341; }
.wide { grid-column: 1 / -1; }
.scroll { max-height:320px; overflow:auto; }
#plan-msg { margin-top:8px; color:var(--muted); }
.bad { color:var(--bad); } .good { color:var(--good); } .muted { color:var(--muted); }
`;

export function dashboardPage(nonce: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ballast</title><link rel="icon" href="data:,"><style nonce="${nonce}">${STYLE}</style></head>
<body>
<header>
  <h1>⚖ Ballast</h1>
  <label>Portfolio <select id="portfolio"></select></label>
  <span id="mode" class="tag"></span>
  <span id="paused" class="tag"></span>
  <button id="pause" class="secondary">Pause</button>
  <span id="live" class="off">connecting…</span>
</header>
<main>
  <section class="wide">
    <div class="kpis">
      <div class="kpi"><div class="label">Value</div><div class="v" id="value" data-value="">–</div></div>
      <div class="kpi"><div class="label">HODL value</div><div class="v" id="hodl">–</div></div>
      <div class="kpi"><div class="label">Time-weighted return</div><div class="v" id="twr">–</div></div>
      <div class="kpi"><div class="label">Max |drift|</div><div class="v" id="maxdrift">–</div></div>
      <div class="kpi"><div class="label">Last cycle</div><div class="v" id="lastcycle">–</div></div>
      <div class="kpi"><div class="label">Target from</div><div class="v" id="targetsrc">–</div></div>
    </div>
    <div id="guards" class="muted"></div>
  </section>
  <section><h2>Target vs current weights</h2><div id="weights" class="chart"></div></section>
  <section><h2>Drift over time (band shaded)</h2><div id="drift" class="chart"></div></section>
  <section><h2>Value vs HODL</h2><div id="valuechart" class="chart"></div></section>
  <section><h2>Pending plan</h2>
    <div id="plan"><p class="muted">No plan awaiting approval.</p></div>
    <div><button id="review" class="secondary">Review a plan now</button> <button id="approve" disabled>Approve and execute</button></div>
    <div id="plan-msg"></div>
  </section>
  <section class="wide" id="basket" hidden><h2>On-chain basket</h2>
    <div class="kpis">
      <div class="kpi"><div class="label">NAV per share</div><div class="v" id="basket-nps">–</div></div>
      <div class="kpi"><div class="label">NAV (oracle prices)</div><div class="v" id="basket-nav">–</div></div>
      <div class="kpi"><div class="label">Shares</div><div class="v" id="basket-supply">–</div></div>
      <div class="kpi"><div class="label">Next due</div><div class="v" id="basket-due">–</div></div>
    </div>
    <div id="basket-profile" class="muted"></div>
    <div id="basket-pending" class="muted"></div>
    <table id="basket-weights"><thead><tr><th>Asset</th><th>Balance</th><th>Weight</th><th>Target</th></tr></thead><tbody></tbody></table>
    <div class="scroll"><table id="basket-rebalances"><thead><tr>
      <th>Block</th><th>Transaction</th><th>Status</th><th>Legs</th><th>NAV before</th><th>NAV after</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section class="wide" id="lending" hidden><h2>Lending position</h2>
    <div class="kpis">
      <div class="kpi"><div class="label">Loan-to-value</div><div class="v" id="lending-ltv">–</div></div>
      <div class="kpi"><div class="label">Health factor (floor)</div><div class="v" id="lending-hf">–</div></div>
      <div class="kpi"><div class="label">Collateral</div><div class="v" id="lending-collateral">–</div></div>
      <div class="kpi"><div class="label">Debt</div><div class="v" id="lending-debt">–</div></div>
    </div>
    <div id="lending-loan" class="muted"></div>
    <table id="lending-assets"><thead><tr><th>Asset</th><th>Role</th><th>Value</th><th>Price</th></tr></thead><tbody></tbody></table>
  </section>
  <section class="wide"><h2>Rebalances and cycles</h2><div class="scroll"><table id="cycles"><thead><tr>
    <th>Time</th><th>Cycle</th><th>Decision</th><th>Reason</th></tr></thead><tbody></tbody></table></div></section>
  <section class="wide"><h2>Orders</h2><div class="scroll"><table id="orders"><thead><tr>
    <th>Time</th><th>Cycle</th><th>Side</th><th>Asset</th><th>Quantity</th><th>Filled</th><th>Avg price</th><th>State</th><th>How filled</th><th>Client id</th></tr></thead><tbody></tbody></table></div></section>
</main>
<script src="/assets/echarts.min.js"></script>
<script src="/assets/dashboard.js"></script>
</body></html>`;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function signInPage(nonce: string, message: string | null): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ballast · sign in</title><style nonce="${nonce}">${STYLE}
form { max-width:420px; margin:12vh auto; background:var(--panel); padding:24px; border-radius:10px; border:1px solid #26313c; }
input { width:100%; margin:8px 0 14px; }</style></head>
<body><form method="post" action="/session">
<h1>⚖ Ballast</h1>
<p class="muted">Enter the API token (the value of <code>BALLAST_API_TOKEN</code> or of the token file). It is exchanged for a session cookie that page scripts cannot read.</p>
${message === null ? '' : `<p class="bad">${esc(message)}</p>`}
<input type="password" name="token" autocomplete="current-password" autofocus required>
<button type="submit">Sign in</button>
</form></body></html>`;
}
