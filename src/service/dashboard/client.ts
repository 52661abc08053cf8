/**
 * The dashboard's browser script, served as /assets/dashboard.js (plain ES2020, no build step). Every
 * request rides on the session cookie; text from the server is inserted with textContent only (no HTML).
 */
export const CLIENT_JS = `'use strict';
(function () {
  var $ = function (id) { return document.getElementById(id); };
  var params = new URLSearchParams(location.search);
  var current = params.get('portfolio');
  var quote = '';
  var pending = null;
  var charts = {};
  var theme = { textStyle: { color: '#c9d1d9' }, backgroundColor: 'transparent' };
  var axis = { axisLine: { lineStyle: { color: '#4b5663' } }, splitLine: { lineStyle: { color: '#26313c' } }, axisLabel: { color: '#8b98a5', hideOverlap: true } };
  // Shown instead of a chart or a figure computed from nothing, until the first cycle has observed the portfolio.
  var NO_DATA = 'no data yet';
  function noData(empty) {
    return { graphic: empty ? [{ type: 'text', left: 'center', top: 'middle', style: { text: NO_DATA, fill: '#8b98a5', fontSize: 14 } }] : [] };
  }

  function api(path, opts) {
    opts = opts || {};
    var init = { method: opts.method || 'GET', credentials: 'same-origin', headers: {} };
    if (opts.body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(opts.body); }
    return fetch(path, init).then(function (r) {
      if (r.status === 401) { location.href = '/'; throw new Error('signed out'); }
      return r.text().then(function (t) {
        var data = t ? JSON.parse(t) : null;
        if (!r.ok) { var e = new Error((data && data.message) || ('HTTP ' + r.status)); e.status = r.status; throw e; }
        return data;
      });
    });
  }
  function fmt(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '–';
    return Number(v).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  function pct(v) { return v === null || v === undefined ? '–' : (v * 100).toFixed(2) + ' %'; }
  function time(ms) { return ms === null || ms === undefined ? '–' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19); }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function row(tbody, cells) {
    var tr = document.createElement('tr');
    cells.forEach(function (c) { tr.appendChild(c instanceof Node ? wrap(c) : el('td', c)); });
    tbody.appendChild(tr);
  }
  function wrap(node) { var td = document.createElement('td'); td.appendChild(node); return td; }
  function tag(text) { return el('span', text, 'tag ' + String(text)); }
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: 'canvas' });
    return charts[id];
  }
  window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  function renderView(v) {
    quote = v.quote;
    var value = $('value');
    value.textContent = v.value === null ? '–' : fmt(v.value, 2) + ' ' + v.quote;
    value.setAttribute('data-value', v.value === null ? '' : String(v.value));
    $('hodl').textContent = v.hodlValue === null ? '–' : fmt(v.hodlValue, 2) + ' ' + v.quote;
    $('twr').textContent = pct(v.twr);
    // Before the first observed cycle there are no weights: a drift of 0 − target would be made up.
    var observed = v.value !== null && Object.keys(v.weights).length > 0;
    var drifts = observed ? Object.keys(v.drift).map(function (a) { return Math.abs(v.drift[a]); }) : [];
    $('maxdrift').textContent = drifts.length ? pct(Math.max.apply(null, drifts)) : NO_DATA;
    $('lastcycle').textContent = time(v.lastCycleAt);
    $('targetsrc').textContent = v.targetSource.active === 'database'
      ? 'API (v' + (v.targetSource.database ? v.targetSource.database.version : '?') + ')' : 'config file';
    $('mode').textContent = v.mode;
    $('paused').textContent = v.paused ? 'paused' + (v.pauseReason ? ': ' + v.pauseReason : '') : 'running';
    $('paused').className = 'tag ' + (v.paused ? 'failed' : 'rebalanced');
    $('pause').textContent = v.paused ? 'Resume' : 'Pause';
    $('guards').textContent = v.guardsOff.length ? 'Guards off: ' + v.guardsOff.join(', ') : '';
    var assets = Object.keys(v.target).sort();
    chart('weights').setOption(Object.assign({}, theme, {
      tooltip: { trigger: 'axis', valueFormatter: function (x) { return pct(x); } },
      legend: { top: 0, data: ['target', 'current'], textStyle: { color: '#c9d1d9' } },
      grid: { left: 50, right: 16, top: 36, bottom: 28 },
      xAxis: Object.assign({ type: 'category', data: assets }, axis),
      yAxis: Object.assign({ type: 'value', axisLabel: { color: '#8b98a5', hideOverlap: true, formatter: function (x) { return (x * 100).toFixed(0) + '%'; } } }, { splitLine: axis.splitLine }),
      series: [
        { name: 'target', type: 'bar', data: assets.map(function (a) { return v.target[a]; }), itemStyle: { color: '#4b5663' } },
        { name: 'current', type: 'bar', data: observed ? assets.map(function (a) { return v.weights[a] || 0; }) : [], itemStyle: { color: '#4aa3ff' } }
      ]
    }, observed ? {} : { title: { text: 'current weights: ' + NO_DATA, right: 8, top: 0, textStyle: { color: '#8b98a5', fontSize: 12, fontWeight: 'normal' } } }), true);
    return assets;
  }

  function renderHistory(points, v, assets) {
    var band = null;
    if (v.bands) { var bs = Object.keys(v.bands).map(function (a) { return v.bands[a]; }).filter(isFinite); if (bs.length) band = Math.min.apply(null, bs); }
    var series = assets.map(function (a, i) {
      var s = { name: a, type: 'line', showSymbol: false, data: points.filter(function (p) { return p.drift; }).map(function (p) { return [p.at, p.drift[a] || 0]; }) };
      if (i === 0 && band !== null) {
        s.markArea = { silent: true, itemStyle: { color: 'rgba(63,185,80,0.10)' }, data: [[{ yAxis: -band }, { yAxis: band }]] };
        s.markLine = { silent: true, symbol: 'none', lineStyle: { color: '#3fb950', type: 'dashed' }, label: { color: '#3fb950', formatter: '±' + (band * 100).toFixed(2) + '%' }, data: [{ yAxis: band }, { yAxis: -band }] };
      }
      return s;
    });
    chart('drift').setOption(Object.assign({}, theme, {
      tooltip: { trigger: 'axis', valueFormatter: function (x) { return pct(x); } },
      legend: { top: 0, data: assets, textStyle: { color: '#c9d1d9' } },
      grid: { left: 56, right: 60, top: 36, bottom: 28 },
      xAxis: Object.assign({ type: 'time' }, axis),
      yAxis: Object.assign({ type: 'value', axisLabel: { color: '#8b98a5', hideOverlap: true, formatter: function (x) { return (x * 100).toFixed(1) + '%'; } } }, { splitLine: axis.splitLine }),
      series: series
    }, noData(!points.some(function (p) { return p.drift; }))), true);
    chart('valuechart').setOption(Object.assign({}, theme, {
      tooltip: { trigger: 'axis', valueFormatter: function (x) { return fmt(x, 2) + ' ' + quote; } },
      legend: { top: 0, data: ['value', 'HODL'], textStyle: { color: '#c9d1d9' } },
      grid: { left: 70, right: 16, top: 36, bottom: 28 },
      xAxis: Object.assign({ type: 'time' }, axis),
      yAxis: Object.assign({ type: 'value', scale: true }, axis),
      series: [
        { name: 'value', type: 'line', showSymbol: false, data: points.filter(function (p) { return p.value !== null; }).map(function (p) { return [p.at, p.value]; }), lineStyle: { color: '#4aa3ff' }, itemStyle: { color: '#4aa3ff' } },
        { name: 'HODL', type: 'line', showSymbol: false, data: points.filter(function (p) { return p.hodlValue !== null; }).map(function (p) { return [p.at, p.hodlValue]; }), lineStyle: { color: '#d29922', type: 'dashed' }, itemStyle: { color: '#d29922' } }
      ]
    }, noData(!points.some(function (p) { return p.value !== null; }))), true);
  }

  function renderTables(cycles, orders) {
    var tb = $('cycles').tBodies[0]; tb.textContent = '';
    cycles.forEach(function (c) { var td = el('td', c.reason || '', 'reason'); row(tb, [time(c.startedAt), c.cycle, tag(c.decision || 'open')]); tb.lastChild.appendChild(td); });
    var ob = $('orders').tBodies[0]; ob.textContent = '';
    // a batch auction's fill (issue #25): "3.1 WETH matched internally, 0.4 routed"
    function q(v) { return Number(v).toLocaleString('en-US', { maximumFractionDigits: 4 }); }
    function how(o) { return typeof o.matched === 'number' ? q(o.matched) + ' ' + o.asset + ' matched internally, ' + q(o.routed) + ' routed' : ''; }
    orders.forEach(function (o) { row(ob, [time(o.createdAt), o.cycle, o.side, o.asset, fmt(o.quantity, 6), fmt(o.filledQuantity, 6), o.averagePrice === null ? '–' : fmt(o.averagePrice, 2), tag(o.state), how(o), o.clientOrderId]); });
  }

  // The plan itself: POST /portfolios/:id/plan returns it at p.plan; GET's pending plan is the stored
  // review, { plan, prices }, so it is at p.plan.plan.
  function planOf(p) {
    var body = p.plan || {};
    return body.plan && typeof body.plan === 'object' && !Array.isArray(body.plan) ? body.plan : body;
  }

  function renderPlan(p) {
    pending = p;
    var box = $('plan'); box.textContent = '';
    $('approve').disabled = true;
    if (!p) { box.appendChild(el('p', 'No plan awaiting approval.', 'muted')); return; }
    var plan = planOf(p);
    box.appendChild(el('p', 'Plan ' + p.id + ' · hash ' + String(p.hash).slice(0, 12) + '… · expires ' + time(p.expiresAt), 'muted'));
    var t = document.createElement('table'); var head = document.createElement('thead'); var body = document.createElement('tbody');
    row(head, ['Side', 'Asset', 'Quantity', 'Notional', 'Cost']); t.appendChild(head); t.appendChild(body);
    (plan.trades || []).forEach(function (x) { row(body, [x.side, x.asset, fmt(x.quantity, 6), fmt(x.notional, 2), fmt(x.cost, 4)]); });
    if (!(plan.trades || []).length) row(body, ['–', 'nothing to trade', '', '', '']);
    box.appendChild(t);
    (plan.skipped || []).forEach(function (s) { box.appendChild(el('p', 'skipped ' + s.asset + ': ' + s.reason, 'muted')); });
    (plan.notes || []).forEach(function (n) { box.appendChild(el('p', 'note: ' + n, 'muted')); });
    // Enabled only once the trades and skipped lines are on the page, and only when there is a trade.
    $('approve').disabled = !(plan.trades || []).length;
  }

  // One field of a pending basket profile change, as "what: from → to".
  var CHANGE_UNITS = { bandAbsBps: ['band abs', ' bps'], bandRelBps: ['band rel', ' bps'], maxLossBps: ['max loss', ' bps'],
    maxTurnoverBps: ['max turnover', ' bps'], feeBps: ['fee', ' bps'], minInterval: ['interval', ' s'], keeperWindow: ['keeper window', ' s'] };
  function change(c) {
    if (c.field.indexOf('target.') === 0) return 'target ' + c.field.slice(7) + ' ' + pct(c.from) + ' → ' + pct(c.to);
    var u = CHANGE_UNITS[c.field];
    return u ? u[0] + ' ' + c.from + ' → ' + c.to + u[1] : c.field + ' ' + c.from + ' → ' + c.to;
  }

  // A basket portfolio (GET /portfolios/:id/basket is null for other venues): its on-chain view.
  function renderBasket(b) {
    var box = $('basket');
    box.hidden = !b;
    if (!b) return;
    $('basket-nps').textContent = b.navPerShare === null ? '–' : fmt(b.navPerShare, 4) + ' USD';
    $('basket-nav').textContent = b.nav === null ? (b.navError || '–') : fmt(b.nav, 2) + ' USD';
    $('basket-supply').textContent = fmt(b.supply, 4);
    $('basket-due').textContent = time(b.nextDue * 1000);
    var p = b.profile;
    $('basket-profile').textContent = 'profile: band ' + p.bandAbsBps + ' bps abs / ' + p.bandRelBps + ' bps rel' + (p.calendar ? ', calendar' : '') +
      ', interval ' + p.minInterval + ' s, max loss ' + p.maxLossBps + ' bps, max turnover ' + p.maxTurnoverBps + ' bps, keeper ' + p.keeper +
      ' (window ' + p.keeperWindow + ' s), fee ' + p.feeBps + ' bps, ' + p.pools + ' pools';
    $('basket-pending').textContent = b.pending === null ? 'pending profile change: none'
      : 'pending profile change: ' + (b.pending.changes.length ? b.pending.changes.map(change).join('; ') : 'no field changes') +
        '; can apply from ' + time(b.pending.eta * 1000) + ' (chain time)';
    var wt = $('basket-weights').querySelector('tbody');
    wt.textContent = '';
    b.assets.forEach(function (a) { row(wt, [a.symbol, fmt(a.balance, 6), pct(a.weight), pct(a.target)]); });
    var rt = $('basket-rebalances').querySelector('tbody');
    rt.textContent = '';
    if (!b.rebalances.length) row(rt, ['no rebalance yet', '', '', '', '', '']);
    b.rebalances.forEach(function (r) { row(rt, [r.block, r.txHash, tag(r.status), r.legs, fmt(r.navBefore, 2), fmt(r.navAfter, 2)]); });
  }

  // A lending position (GET /portfolios/:id/lending is null for other venues): its last reading. Values are in
  // the debt asset; a health factor under its floor is shown in red (the position then acts whatever the cost).
  function renderLending(l) {
    var box = $('lending');
    box.hidden = !l;
    if (!l) return;
    var hf = l.healthFactor;
    $('lending-ltv').textContent = pct(l.ltv);
    $('lending-hf').textContent = (hf === null && l.debtValue === 0 ? '∞' : fmt(hf, 3)) + ' (floor ' + fmt(l.minHealthFactor, 2) + ')';
    $('lending-hf').className = 'v' + (hf !== null && hf < l.minHealthFactor ? ' bad' : '');
    $('lending-collateral').textContent = fmt(l.collateralValue, 2) + ' ' + l.debt;
    $('lending-debt').textContent = fmt(l.debtValue, 2) + ' ' + l.debt;
    $('lending-loan').textContent = l.flash
      ? 'its rebalance would borrow from ' + l.flash.lender + ', fee ' + fmt(l.flash.feeQuote, 6) + ' ' + l.debt + ' (' + l.flash.fee + ' base units)'
      : 'its rebalance needs no loan' + (l.idle ? ': ' + l.idle : '');
    var at = $('lending-assets').querySelector('tbody');
    at.textContent = '';
    var assets = l.assets || [
      { symbol: l.collateral, role: 'collateral', value: l.collateralValue, price: null },
      { symbol: l.debt, role: 'debt', value: l.debtValue, price: 1 }
    ];
    assets.forEach(function (a) { row(at, [a.symbol, a.role, fmt(a.value, 2) + ' ' + l.debt, fmt(a.price, 4)]); });
  }

  function refresh() {
    if (!current) return Promise.resolve();
    var id = encodeURIComponent(current);
    return Promise.all([
      api('/portfolios/' + id), api('/portfolios/' + id + '/history'),
      api('/portfolios/' + id + '/cycles?limit=100'), api('/portfolios/' + id + '/orders?limit=100'),
      api('/portfolios/' + id + '/plan'), api('/portfolios/' + id + '/basket'), api('/portfolios/' + id + '/lending')
    ]).then(function (r) {
      renderBasket(r[5].basket);
      renderLending(r[6].lending);
      var assets = renderView(r[0]);
      renderHistory(r[1], r[0], assets);
      renderTables(r[2], r[3]);
      renderPlan(r[4].pending);
      document.body.setAttribute('data-loaded', String(Date.now()));
    }).catch(function (e) { $('plan-msg').textContent = 'Could not load: ' + e.message; });
  }

  function msg(text, cls) { var m = $('plan-msg'); m.textContent = text; m.className = cls || ''; }

  $('review').addEventListener('click', function () {
    api('/portfolios/' + encodeURIComponent(current) + '/plan', { method: 'POST' })
      .then(function (p) { renderPlan(p); msg('Review the plan, then approve it before it expires.'); })
      .catch(function (e) { msg(e.message, 'bad'); });
  });
  $('approve').addEventListener('click', function () {
    if (!pending) return;
    $('approve').disabled = true;
    api('/plans/' + encodeURIComponent(pending.id) + '/execute', { method: 'POST', body: { hash: pending.hash } })
      .then(function (r) { msg('Executed: ' + r.reason, 'good'); })
      .catch(function (e) { msg('Refused: ' + e.message, 'bad'); })
      .then(refresh);
  });
  $('pause').addEventListener('click', function () {
    var paused = $('pause').textContent === 'Resume';
    api('/portfolios/' + encodeURIComponent(current) + (paused ? '/resume' : '/pause'), { method: 'POST', body: paused ? undefined : { reason: 'paused from the dashboard' } })
      .then(refresh).catch(function (e) { msg(e.message, 'bad'); });
  });
  $('portfolio').addEventListener('change', function (e) {
    current = e.target.value;
    history.replaceState(null, '', '/?portfolio=' + encodeURIComponent(current));
    refresh();
  });

  function live() {
    var es = new EventSource('/events');
    es.onopen = function () { $('live').className = 'on'; $('live').textContent = 'live'; };
    es.onerror = function () { $('live').className = 'off'; $('live').textContent = 'reconnecting…'; };
    es.addEventListener('cycle', function (m) { var e = JSON.parse(m.data); if (e.portfolioId === current) refresh(); });
    es.addEventListener('alert', function (m) { var e = JSON.parse(m.data); if (e.portfolioId === current) msg(e.level + ' · ' + e.kind + ': ' + e.message, e.level === 'info' ? '' : 'bad'); });
  }

  api('/portfolios').then(function (list) {
    var sel = $('portfolio');
    list.forEach(function (p) { var o = el('option', p.id); o.value = p.id; sel.appendChild(o); });
    if (!current || !list.some(function (p) { return p.id === current; })) current = list.length ? list[0].id : null;
    sel.value = current;
    live();
    return refresh();
  });
})();
`;
