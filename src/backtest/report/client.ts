/**
 * The report's browser code (plain ES5-style JavaScript, inlined after the ECharts bundle). It reads the
 * JSON block `#report-data` (see chartData.ts) and draws: equity (linear/log toggle), drawdown (both
 * linked: zoom and tooltip move together), weights as a stacked area with rebalance markers (a
 * dropdown picks the strategy), the optional sweep heatmap, and makes the metrics table sortable.
 * Times are UTC (`useUTC`), as in the data.
 */
export const CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  // Tableau 10 then 10 darker shades: distinct for up to 20 strategies; HODL is always black, dashed.
  var palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
    '#1f4e79', '#b35806', '#a50f15', '#2a7f7a', '#2d6a1f', '#a88a00', '#6a3d7a', '#c5485a', '#5e4432', '#6b6b6b'];
  var charts = [];
  function init(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    var c = echarts.init(el, null, { renderer: 'canvas' });
    charts.push(c);
    return c;
  }
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  function money(v) {
    if (v === null || v === undefined || !isFinite(v)) return '—';
    return Number(v).toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) >= 100 ? 0 : 2 });
  }
  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e9) return (v / 1e9).toPrecision(3) + 'B';
    if (a >= 1e6) return (v / 1e6).toPrecision(3) + 'M';
    if (a >= 1e3) return (v / 1e3).toPrecision(3) + 'k';
    return String(Number(v.toPrecision(3)));
  }
  function esc(x) {
    return String(x).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; });
  }
  function pct(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) return '—';
    return (v * 100).toFixed(digits === undefined ? 2 : digits) + '%';
  }
  function points(c) { return c.i.map(function (k, j) { return [data.t[k], c.v[j]]; }); }
  var colorOf = {};
  var k = 0;
  data.equity.forEach(function (s) { colorOf[s.name] = s.name === data.hodl ? '#111827' : palette[k++ % palette.length]; });
  var zoom = [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 6 }];
  // Axis labels never overlap: ECharts hides the ones that would (hideOverlap) on every axis.
  function axis(o) { o.axisLabel = Object.assign({ hideOverlap: true }, o.axisLabel || {}); return o; }
  // A click on a legend entry hides or shows its line; a second click on it within 400 ms shows it alone.
  function legend() {
    return { type: 'scroll', top: 0, selector: [{ type: 'all', title: 'all' }, { type: 'inverse', title: 'invert' }] };
  }
  function soloOnDoubleClick(chart) {
    var last = null;
    chart.on('legendselectchanged', function (e) {
      var now = Date.now();
      if (last && last.name === e.name && now - last.at < 400) {
        last = null;
        Object.keys(e.selected).forEach(function (n) {
          chart.dispatchAction({ type: n === e.name ? 'legendSelect' : 'legendUnSelect', name: n });
        });
        return;
      }
      last = { name: e.name, at: now };
    });
  }
  // Log scale is on from the start when some strategy's equity grows more than 5×.
  var growth = 1;
  data.equity.forEach(function (s) {
    var v0 = s.v[0];
    s.v.forEach(function (v) { if (v0 > 0 && v / v0 > growth) growth = v / v0; });
  });
  function lineSeries(s) {
    var hodl = s.name === data.hodl;
    return {
      name: s.name, type: 'line', showSymbol: s.i.length <= 1, data: points(s), color: colorOf[s.name],
      lineStyle: { width: hodl ? 2 : 1.5, type: hodl ? 'dashed' : 'solid' },
      emphasis: { focus: 'series' }, z: hodl ? 3 : 2
    };
  }

  var equity = init('chart-equity');
  if (equity) {
    equity.setOption({
      animation: false, useUTC: true,
      tooltip: { trigger: 'axis', valueFormatter: money },
      legend: legend(),
      grid: { left: 72, right: 28, top: 40, bottom: 64 },
      xAxis: axis({ type: 'time' }),
      yAxis: axis({ type: 'value', scale: true, axisLabel: { formatter: compact } }),
      dataZoom: zoom,
      series: data.equity.map(lineSeries)
    });
    soloOnDoubleClick(equity);
    var logBox = document.getElementById('log-scale');
    var setLog = function () {
      equity.setOption({ yAxis: { type: logBox.checked ? 'log' : 'value', scale: true, logBase: 10 } });
    };
    logBox.checked = growth > 5;
    setLog();
    logBox.addEventListener('change', setLog);
  }

  var drawdown = init('chart-drawdown');
  if (drawdown) {
    drawdown.setOption({
      animation: false, useUTC: true,
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct(v); } },
      legend: legend(),
      grid: { left: 72, right: 28, top: 40, bottom: 64 },
      xAxis: axis({ type: 'time' }),
      yAxis: axis({ type: 'value', max: 0, min: function (r) { return Math.min(r.min, -0.01); }, axisLabel: { showMinLabel: false, formatter: function (v) { return pct(v, v !== 0 && Math.abs(v) < 0.1 ? 1 : 0); } } }),
      dataZoom: zoom,
      series: data.drawdown.map(function (s) {
        var o = lineSeries(s);
        if (s.name === data.hodl) o.areaStyle = { opacity: 0.08 };
        return o;
      })
    });
    soloOnDoubleClick(drawdown);
  }
  if (equity && drawdown) echarts.connect([equity, drawdown]);

  var weights = init('chart-weights');
  var select = document.getElementById('weights-strategy');
  function drawWeights(k) {
    var p = data.weights[k];
    var series = p.assets.map(function (a, i) {
      return {
        name: a, type: 'line', stack: 'w', showSymbol: false, lineStyle: { width: 0 }, areaStyle: { opacity: 0.85 },
        emphasis: { focus: 'series' }, color: palette[i % palette.length],
        data: p.i.map(function (k, j) { return [data.t[k], p.w[i][j]]; })
      };
    });
    series.push({
      name: 'rebalance', type: 'scatter', symbol: 'triangle', symbolSize: 7, symbolRotate: 180,
      symbolOffset: [0, -6], clip: false, color: '#111827', z: 5,
      data: p.rebalances.map(function (k) { return [data.t[k], 1]; }),
      tooltip: { trigger: 'item', formatter: function (q) { return 'rebalance ' + new Date(q.value[0]).toISOString().slice(0, 10); } }
    });
    weights.setOption({
      animation: false, useUTC: true,
      tooltip: { trigger: 'axis', valueFormatter: function (v) { return pct(v, 1); } },
      legend: legend(),
      grid: { left: 72, right: 28, top: 48, bottom: 64 },
      xAxis: axis({ type: 'time' }),
      yAxis: axis({ type: 'value', min: 0, max: 1, axisLabel: { formatter: function (v) { return pct(v, 0); } } }),
      dataZoom: zoom,
      series: series
    }, true);
    var note = document.getElementById('weights-note');
    note.textContent = p.rebalanceCount === 0 ? 'no rebalance after bar 0' : p.rebalanceCount + ' rebalance' + (p.rebalanceCount === 1 ? '' : 's') +
      (p.rebalances.length < p.rebalanceCount ? ' (every ' + Math.ceil(p.rebalanceCount / p.rebalances.length) + 'th marked ▼)' : ' (▼ marks)');
  }
  if (weights && data.weights.length > 0) {
    select.addEventListener('change', function () { drawWeights(Number(select.value)); });
    drawWeights(Number(select.value));
  }

  var sweep = init('chart-sweep');
  var colors = ['#b91c1c', '#f59e0b', '#fef3c7', '#34d399', '#047857'];
  function drawSweep(k) {
    var s = data.sweeps[k];
    var vals = s.cells.map(function (c) { return c[2]; });
    var lo = vals.length ? Math.min.apply(null, vals) : 0, hi = vals.length ? Math.max.apply(null, vals) : 1;
    if (!(hi > lo)) { hi = lo + Math.max(1e-12, Math.abs(lo) * 1e-9); }
    sweep.setOption({
      animation: false,
      tooltip: { position: 'top', formatter: function (q) {
        return esc(s.xLabel) + ': ' + esc(s.x[q.value[0]]) + '<br>' + esc(s.yLabel) + ': ' + esc(s.y[q.value[1]]) + '<br>' + esc(s.metric) + ': ' + Number(q.value[2]).toPrecision(5);
      } },
      grid: { left: 120, right: 110, top: 16, bottom: 72 },
      xAxis: { type: 'category', data: s.x, name: s.xLabel, nameLocation: 'middle', nameGap: 44, splitArea: { show: true },
        axisLabel: { hideOverlap: true, interval: Math.max(0, Math.ceil(s.x.length / 16) - 1), rotate: s.x.length > 8 ? 30 : 0 } },
      yAxis: { type: 'category', data: s.y, name: s.yLabel, axisLabel: { hideOverlap: true, interval: Math.max(0, Math.ceil(s.y.length / 24) - 1) }, nameLocation: 'middle', nameGap: 100, splitArea: { show: true } },
      visualMap: { min: lo, max: hi, calculable: true, orient: 'vertical', right: 8, top: 'middle', itemHeight: 200,
        formatter: function (v) { return Number(Number(v).toPrecision(3)); }, inRange: { color: s.higherIsBetter ? colors : colors.slice().reverse() } },
      series: [{ type: 'heatmap', data: s.cells, label: { show: s.x.length * s.y.length <= 120, formatter: function (q) { return Number(q.value[2]).toPrecision(3); } },
        emphasis: { itemStyle: { borderColor: '#111827', borderWidth: 1 } } }]
    }, true);
    Array.prototype.forEach.call(document.querySelectorAll('.sweep-best'), function (p) { p.hidden = p.getAttribute('data-view') !== String(k); });
  }
  if (sweep && data.sweeps.length > 0) {
    var view = document.getElementById('sweep-view');
    if (view) view.addEventListener('change', function () { drawSweep(Number(view.value)); });
    drawSweep(0);
  }

  var table = document.getElementById('metrics-table');
  if (table) {
    var ths = table.querySelectorAll('th');
    Array.prototype.forEach.call(ths, function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(ths, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
          var nx = x === '' ? NaN : Number(x), ny = y === '' ? NaN : Number(y);
          var r;
          if (col === 0) r = x < y ? -1 : x > y ? 1 : 0;
          else if (isNaN(nx) || isNaN(ny)) return isNaN(nx) ? (isNaN(ny) ? 0 : 1) : -1;
          else r = nx - ny;
          return asc ? r : -r;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.documentElement.setAttribute('data-report-ready', '1');
})();`;
