/**
 * The browser code of `ballast vol evaluate --report` (plain ES5-style JavaScript, inlined after the
 * ECharts bundle): reads `#report-data` and draws, for the asset picked in the dropdown, each model's
 * one-step variance forecast against the realized squared return (dots), on a log or linear axis.
 */
export const VOL_CLIENT_SCRIPT = String.raw`(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = { ewma: '#111827', garch: '#e15759', har: '#4e79a7', hmm: '#59a14f' };
  var el = document.getElementById('chart-forecasts');
  var chart = echarts.init(el, null, { renderer: 'canvas' });
  window.addEventListener('resize', function () { chart.resize(); });
  var select = document.getElementById('asset');
  var log = document.getElementById('log-scale');
  function fmt(v) { return v === null || v === undefined ? '—' : Number(v).toExponential(3); }
  function pairs(t, v) { return v.map(function (x, i) { return [t[i], x]; }); }
  function draw() {
    var a = data.assets[Number(select.value)];
    var series = [{
      name: 'realized r²', type: 'scatter', symbolSize: 3, itemStyle: { color: '#9ca3af' },
      data: pairs(a.t, a.realized.map(function (x) { return log.checked && x <= 0 ? null : x; })), z: 1
    }];
    a.series.forEach(function (s) {
      series.push({
        name: s.model, type: 'line', showSymbol: false, data: pairs(a.t, s.v), z: 2,
        lineStyle: { width: s.model === 'ewma' ? 2 : 1.5, type: s.model === 'ewma' ? 'dashed' : 'solid' },
        color: palette[s.model] || '#f28e2b'
      });
    });
    chart.setOption({
      animation: false, useUTC: true,
      tooltip: { trigger: 'axis', valueFormatter: fmt },
      legend: { top: 0 },
      grid: { left: 70, right: 24, top: 36, bottom: 56 },
      xAxis: { type: 'time' },
      yAxis: { type: log.checked ? 'log' : 'value', name: 'daily variance', axisLabel: { formatter: fmt } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 6 }],
      series: series
    }, true);
  }
  select.addEventListener('change', draw);
  log.addEventListener('change', draw);
  draw();
  document.documentElement.setAttribute('data-report-ready', '1');
})();`;
