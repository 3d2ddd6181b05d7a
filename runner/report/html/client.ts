// The script the report pages run: every chart spec (charts.ts ChartSpec, as JSON in the page)
// becomes one uPlot instance. Plain ES2017 in a string, because it runs in the reader's browser,
// not in Node: no imports, no build step, and no `${` (this is a template literal).
// The instances are left on window.fleetloadCharts and each plot's point counts in its
// data-points attribute, so a browser test can check that every chart drew its data.
export const CLIENT_JS = String.raw`
(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('fleetload-charts').textContent);
  var plots = {};
  window.fleetloadCharts = plots;
  var HEIGHT = 240;
  var FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  var LABEL_FONT = 'bold 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

  function trim(v, digits) { return String(+v.toFixed(digits)); }
  function fmtMs(v) {
    if (v >= 60000) return trim(v / 60000, 1) + ' min';
    if (v >= 1000) return trim(v / 1000, 2) + ' s';
    if (v >= 1) return trim(v, v >= 100 ? 0 : v >= 10 ? 1 : 2) + ' ms';
    if (v === 0) return '0';
    return trim(v * 1000, 0) + ' µs';
  }
  function fmtCount(v) {
    var a = Math.abs(v);
    if (a >= 1e6) return trim(v / 1e6, 2) + 'M';
    if (a >= 1e4) return trim(v / 1e3, 1) + 'k';
    return trim(v, a >= 100 ? 0 : a >= 10 ? 1 : 2);
  }
  function fmt(unit, v) {
    if (v == null || !isFinite(v)) return '–';
    switch (unit) {
      case 'ms': return fmtMs(v);
      case 'rate': return fmtCount(v) + '/s';
      case 'cores': return trim(v, 2);
      case 'percent': return trim(v, 0) + ' %';
      default: return fmtCount(v);
    }
  }
  function fmtTime(s) {
    if (s < 120) return trim(s, 1) + ' s';
    var m = Math.floor(s / 60), r = Math.round(s - m * 60);
    return m + ':' + (r < 10 ? '0' : '') + r;
  }

  // Log ticks: uPlot proposes 1..9 of every decade; label and grid only 1, 2, 5 (or only the
  // decades when the range spans many), so the labels never overlap.
  function logKeep(u, v) {
    if (!(v > 0)) return false;
    var sc = u.scales.y;
    var decades = Math.log10(sc.max / sc.min);
    var m = Math.round(v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9)) * 1000) / 1000;
    return decades > 3.5 ? m === 1 : m === 1 || m === 2 || m === 5;
  }

  // Axis width from its widest label, so that "1.25 s" or "12.5k/s" is never cut off.
  function axisSize(u, values, axisIdx, cycleNum) {
    var axis = u.axes[axisIdx];
    if (cycleNum > 1) return axis._size;
    var size = axis.ticks.size + axis.gap + (axis.label != null ? axis.labelSize : 0);
    var longest = (values || []).reduce(function (a, v) { return v != null && String(v).length > a.length ? String(v) : a; }, '');
    if (longest !== '') {
      u.ctx.font = axis.font[0];
      size += u.ctx.measureText(longest).width / devicePixelRatio;
    }
    return Math.ceil(size) + 4;
  }

  // Outages and the warm-up: shaded under the series (drawClear), labelled over them (draw), so
  // neither the grid nor a line runs through the label.
  function bandSpan(u, b) {
    var left = u.bbox.left, right = left + u.bbox.width;
    var x0 = Math.max(left, u.valToPos(b.fromS, 'x', true));
    var x1 = Math.min(right, u.valToPos(b.toS, 'x', true));
    return x1 > x0 ? [x0, x1] : null;
  }
  function shadeBands(spec) {
    return function (u) {
      var ctx = u.ctx;
      ctx.save();
      spec.bands.forEach(function (b) {
        var span = bandSpan(u, b);
        if (!span) return;
        ctx.fillStyle = b.kind === 'outage' ? 'rgba(198, 40, 40, 0.13)' : 'rgba(120, 120, 120, 0.10)';
        ctx.fillRect(span[0], u.bbox.top, span[1] - span[0], u.bbox.height);
      });
      ctx.restore();
    };
  }
  function labelBands(spec) {
    return function (u) {
      var ctx = u.ctx, px = devicePixelRatio;
      ctx.save();
      ctx.font = 'bold ' + (10.5 * px) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      // uPlot leaves its own alignment from drawing the axes.
      ctx.textAlign = 'left';
      var rowsEnd = [];
      spec.bands.forEach(function (b) {
        var span = bandSpan(u, b);
        if (!span) return;
        var w = ctx.measureText(b.label).width;
        var x = Math.min(span[0] + 3 * px, u.bbox.left + u.bbox.width - w - 4 * px);
        // A label that would overlap the previous one on its row goes to the next row down.
        var row = 0;
        while (rowsEnd[row] !== undefined && rowsEnd[row] > x - 4 * px) row++;
        rowsEnd[row] = x + w;
        var y = u.bbox.top + (3 + row * 15) * px;
        ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
        ctx.fillRect(x - 2 * px, y - 1 * px, w + 4 * px, 13 * px);
        ctx.fillStyle = b.kind === 'outage' ? '#b71c1c' : '#444';
        ctx.fillText(b.label, x, y);
      });
      ctx.restore();
    };
  }

  // A log range from the 1-2-5 step below the lowest value to the one above the highest (the
  // objective included), rather than whole decades that leave most of the chart empty.
  function nice(v, up) {
    var d = Math.pow(10, Math.floor(Math.log10(v)));
    var steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
    for (var i = 0; i < steps.length; i++) {
      var c = steps[i] * d;
      if (up ? c >= v * 0.999 : c <= v * 1.001) return c;
    }
    return up ? 10 * d : d;
  }
  function logRange(u, min, max) {
    if (min == null || !(min > 0)) return [1, 1000];
    return [nice(min * 0.9, false), nice(max * 1.1, true)];
  }
  function logFilter(u, splits) { return splits.map(function (v) { return logKeep(u, v) ? v : null; }); }

  function linearRange(u, min, max) {
    var hi = max == null || !(max > 0) ? 1 : max * 1.08;
    return [0, hi];
  }

  function build(spec, el) {
    var yScale = spec.log ? { distr: 3, log: 10, range: logRange } : { range: linearRange };
    var scales = { x: { time: false, range: [0, spec.xMax] }, y: yScale };
    var axes = [
      {
        label: 'time since the load started',
        labelFont: LABEL_FONT, font: FONT, labelSize: 18, size: 34,
        values: function (u, splits) { return splits.map(fmtTime); },
        incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
        grid: { stroke: '#e6e6e6' },
      },
      {
        label: spec.yLabel,
        labelFont: LABEL_FONT, font: FONT, labelSize: 20,
        size: axisSize,
        values: spec.log
          ? function (u, splits) { return splits.map(function (v) { return logKeep(u, v) ? fmt(spec.unit, v) : null; }); }
          : function (u, splits) { return splits.map(function (v) { return fmt(spec.unit, v); }); },
        filter: spec.log ? logFilter : undefined,
        ticks: spec.log ? { filter: logFilter } : {},
        grid: spec.log ? { stroke: '#e6e6e6', filter: logFilter } : { stroke: '#e6e6e6' },
      },
    ];
    if (spec.right) {
      scales.y2 = { range: linearRange };
      axes.push({
        scale: 'y2', side: 1, label: spec.right.label, stroke: spec.right.color,
        labelFont: LABEL_FONT, font: FONT, labelSize: 20, size: axisSize,
        values: function (u, splits) { return splits.map(function (v) { return fmt(spec.right.unit, v); }); },
        grid: { show: false },
      });
    }
    var series = [{ label: 'time', value: function (u, v) { return v == null ? '–' : fmtTime(v); } }];
    var data = [spec.x];
    spec.series.forEach(function (s) {
      var unit = s.right ? spec.right.unit : spec.unit;
      series.push({
        label: s.label,
        stroke: s.color,
        width: s.reference ? 1.5 : 2,
        dash: s.reference ? [7, 5] : undefined,
        scale: s.right ? 'y2' : 'y',
        points: s.reference ? { show: false } : { size: 6, fill: s.color },
        value: function (u, v) { return fmt(unit, v); },
      });
      // Absent points become undefined: uPlot draws a gap at null but carries the line over undefined.
      var values = s.values.slice();
      (s.absent || []).forEach(function (i) { values[i] = undefined; });
      data.push(values);
    });
    var opts = {
      width: Math.max(320, el.clientWidth),
      height: HEIGHT,
      scales: scales,
      axes: axes,
      series: series,
      cursor: { sync: { key: 'fleetload' }, points: { size: 7 } },
      legend: { live: true },
      hooks: { drawClear: [shadeBands(spec)], draw: [labelBands(spec)] },
    };
    var plot = new uPlot(opts, data, el);
    plots[spec.id] = plot;
    el.setAttribute('data-points', JSON.stringify(spec.series.map(function (s) {
      return s.values.filter(function (v) { return v != null; }).length;
    })));
    return plot;
  }

  specs.forEach(function (spec) {
    var el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) throw new Error('no place for chart ' + spec.id);
    build(spec, el);
  });

  var pending = 0;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      Object.keys(plots).forEach(function (id) {
        var el = document.querySelector('[data-chart="' + id + '"]');
        plots[id].setSize({ width: Math.max(320, el.clientWidth), height: HEIGHT });
      });
    }, 100);
  });
  document.documentElement.setAttribute('data-charts-ready', String(Object.keys(plots).length));
})();
`;
