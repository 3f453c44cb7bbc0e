/* Live parts of the Neurite console pages: every element with data-live polls its JSON
 * endpoint, puts the "fields" texts into the elements with those ids and draws the
 * "charts" into its [data-chart] elements with uPlot. No inline script is needed. */
(function () {
  'use strict';
  var COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  var plots = {};

  function draw(el, chart) {
    var names = Object.keys(chart.series);
    el.setAttribute('data-points', String(chart.x.length));
    el.setAttribute('data-series', names.join(','));
    var existing = plots[el.id];
    if (names.length === 0) {
      if (existing) { existing.plot.destroy(); delete plots[el.id]; }
      el.textContent = 'No ' + (el.getAttribute('data-title') || 'data').toLowerCase() + ' reported yet.';
      return;
    }
    var data = [chart.x].concat(names.map(function (n) { return chart.series[n]; }));
    if (existing && existing.names === names.join('\n')) {
      existing.plot.setData(data);
      return;
    }
    if (existing) { existing.plot.destroy(); }
    el.textContent = '';
    var x = el.getAttribute('data-x') || 'x';
    var options = {
      title: el.getAttribute('data-title') || '',
      width: Math.max(320, Math.min(900, el.clientWidth || 800)),
      height: 260,
      scales: { x: { time: x === 'time' } },
      series: [{ label: x }].concat(names.map(function (n, i) {
        return { label: n, stroke: COLOURS[i % COLOURS.length], width: 1.5, spanGaps: true };
      }))
    };
    plots[el.id] = { plot: new uPlot(options, data, el), names: names.join('\n') };
  }

  function apply(container, body) {
    var fields = body.fields || {};
    Object.keys(fields).forEach(function (id) {
      var target = document.getElementById(id);
      if (target && target.textContent !== fields[id]) { target.textContent = fields[id]; }
    });
    var charts = body.charts || {};
    container.querySelectorAll('[data-chart]').forEach(function (el) {
      var chart = charts[el.getAttribute('data-chart')];
      if (chart) { draw(el, chart); }
    });
  }

  function poll(container) {
    var url = container.getAttribute('data-live');
    var interval = parseInt(container.getAttribute('data-interval') || '2000', 10);
    function tick() {
      fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
        .then(function (r) { if (!r.ok) { throw new Error('HTTP ' + r.status); } return r.json(); })
        .then(function (body) {
          apply(container, body);
          container.setAttribute('data-updated', String(Date.now()));
          container.removeAttribute('data-error');
        })
        .catch(function (e) { container.setAttribute('data-error', String(e)); })
        .then(function () { setTimeout(tick, interval); });
    }
    tick();
  }

  /* A select.neurite-switch shows only the elements of its class whose data-switch-value it names. */
  function switches() {
    document.querySelectorAll('select.neurite-switch').forEach(function (select) {
      var cls = select.getAttribute('data-switch');
      function show() {
        document.querySelectorAll('.' + cls).forEach(function (el) {
          el.style.display = el.getAttribute('data-switch-value') === select.value ? '' : 'none';
        });
      }
      select.addEventListener('change', show);
      show();
    });
  }

  function confirms() {
    document.querySelectorAll('form[data-confirm]').forEach(function (form) {
      form.addEventListener('submit', function (e) {
        if (!window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
      });
    });
  }

  document.querySelectorAll('[data-live]').forEach(poll);
  switches();
  confirms();
})();
