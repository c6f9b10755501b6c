// govpulse dashboard script: draws the server-built ECharts options, keeps filters in the URL,
// cross-filters and drills down on chart clicks, refreshes live numbers, and runs the briefing
// box, the Ask page and the ranking table. No inline scripts: everything is wired from data-*
// attributes, so the pages run under a Content-Security-Policy without 'unsafe-inline'.
(function () {
  'use strict';

  var body = document.body;
  var msg = {};
  try { msg = JSON.parse(body.getAttribute('data-i18n') || '{}'); } catch (e) { msg = {}; }
  var lang = body.getAttribute('data-lang') || 'vi';
  var REFRESH_MS = 5000;
  var charts = [];

  function t(key) { return msg[key] || key; }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }
  function navigate(params, path) {
    var u = new URL(path || location.pathname, location.origin);
    var cur = new URLSearchParams(location.search);
    cur.forEach(function (v, k) { u.searchParams.set(k, v); });
    Object.keys(params).forEach(function (k) {
      if (params[k] === '' || params[k] === null) { u.searchParams.delete(k); } else { u.searchParams.set(k, params[k]); }
    });
    location.assign(u.pathname + u.search);
  }

  // --- charts ---------------------------------------------------------------------------------
  var geoCache = {};
  function loadGeo(province) {
    if (!geoCache[province]) {
      geoCache[province] = fetch('/static/geo/' + encodeURIComponent(province) + '.json', { credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) { throw new Error('geo ' + r.status); } return r.json(); })
        .then(function (geo) {
          var names = {};
          geo.features.forEach(function (f) { names[f.properties.code] = lang === 'en' ? (f.properties.nameEn || f.properties.name) : f.properties.name; });
          echarts.registerMap('wards-' + province, geo);
          return { names: names, bounds: mainland(geo) };
        });
    }
    return geoCache[province];
  }

  // mainland is the box of the wards near the city's median, so far islands (Côn Đảo) do not
  // shrink the map; they stay reachable by zooming and panning.
  function mainland(geo) {
    var centres = geo.features.map(function (f) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      f.geometry.coordinates.forEach(function (poly) { poly[0].forEach(function (p) {
        x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
      }); });
      return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, x0: x0, y0: y0, x1: x1, y1: y1 };
    });
    var med = function (k) { var v = centres.map(function (c) { return c[k]; }).sort(function (a, b) { return a - b; }); return v[Math.floor(v.length / 2)]; };
    var mx = med('cx'), my = med('cy');
    var b = [Infinity, -Infinity, -Infinity, Infinity]; // west, north, east, south
    centres.forEach(function (c) {
      if (Math.abs(c.cx - mx) > 1 || Math.abs(c.cy - my) > 1) { return; }
      b[0] = Math.min(b[0], c.x0); b[1] = Math.max(b[1], c.y1); b[2] = Math.max(b[2], c.x1); b[3] = Math.min(b[3], c.y0);
    });
    return [[b[0], b[1]], [b[2], b[3]]];
  }

  function onChartClick(node, params) {
    var what = node.getAttribute('data-click');
    var name = params && params.name;
    if (!what || !name) { return; }
    if (what === 'ward') { location.assign('/wards/' + encodeURIComponent(name) + location.search); }
    else if (what === 'unit') { location.assign('/units/' + encodeURIComponent(name) + location.search); }
    else if (what === 'day') { navigate({ period: name, from: '', to: '' }); }
    else if (what.indexOf('filter-') === 0) { var f = {}; f[what.slice(7)] = name; navigate(f); }
  }

  function drawChart(node) {
    var opt;
    try { opt = JSON.parse(node.getAttribute('data-chart')); } catch (e) { return; }
    var province = node.getAttribute('data-map');
    var ready = province ? loadGeo(province) : Promise.resolve(null);
    ready.then(function (geo) {
      if (geo) {
        var names = geo.names;
        (opt.series || []).forEach(function (s) {
          if (s.type === 'map') {
            s.nameProperty = 'code';
            s.boundingCoords = geo.bounds;
            s.top = 30; s.bottom = 10;
            s.roam = true;
            s.showLegendSymbol = false;
            s.label = { show: false };
            s.emphasis = { label: { show: false } };
            s.itemStyle = { areaColor: '#e9ecef', borderColor: '#fff', borderWidth: 0.6 };
          }
        });
        opt.tooltip = opt.tooltip || {};
        opt.tooltip.formatter = function (p) {
          var v = (p.value === undefined || isNaN(p.value)) ? t('no_data') : p.value;
          return (names[p.name] || p.name) + ': ' + v;
        };
      }
      var focus = node.getAttribute('data-focus');
      if (focus) {
        (opt.series || []).forEach(function (s) { if (s.type === 'map') { s.selectedMode = 'single'; s.select = { itemStyle: { areaColor: '#1f6feb' } }; } });
      }
      var rows = parseInt(node.getAttribute('data-rows') || '0', 10);
      if (rows > 8) { node.style.height = (rows * 22 + 70) + 'px'; }
      var chart = echarts.init(node, null, { renderer: 'canvas' });
      chart.setOption(opt);
      if (focus) { chart.dispatchAction({ type: 'select', seriesIndex: 0, name: focus }); }
      chart.on('click', function (p) { onChartClick(node, p); });
      node.setAttribute('data-drawn', '1');
      charts.push(chart);
    }).catch(function (e) {
      node.appendChild(el('p', 'state state-not_available', t('not_available')));
      console.warn('chart', e);
    });
  }

  function drawCharts() {
    var nodes = document.querySelectorAll('[data-chart]');
    if (!nodes.length) { return; }
    if (typeof echarts === 'undefined') {
      var b = document.getElementById('vendor-missing');
      if (b) { b.classList.remove('hidden'); }
      return;
    }
    nodes.forEach(drawChart);
    var timer = null;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  }

  // --- filters in the URL ---------------------------------------------------------------------
  function wireFilters() {
    var form = document.getElementById('filters');
    if (form) {
      form.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var params = {};
        new FormData(form).forEach(function (v, k) { params[k] = String(v).trim(); });
        if (params.period) { params.from = ''; params.to = ''; }
        if (params.from || params.to) { params.period = ''; }
        navigate(params, form.getAttribute('action'));
      });
      form.querySelectorAll('select').forEach(function (s) {
        s.addEventListener('change', function () { form.requestSubmit(); });
      });
    }
    document.querySelectorAll('select[data-url-param]').forEach(function (s) {
      if (s.closest('.table-tools')) { return; }
      s.addEventListener('change', function () {
        var p = {}; p[s.getAttribute('data-url-param')] = s.value; navigate(p);
      });
    });
  }

  // --- live refresh ---------------------------------------------------------------------------
  function setCard(card, c) {
    var v = card.querySelector('[data-field="value"]');
    if (v && v.textContent !== c.value) { v.textContent = c.value; card.classList.add('flash'); setTimeout(function () { card.classList.remove('flash'); }, 800); }
    if (c.detail) { var d = card.querySelector('[data-field="detail"]'); if (d && d.firstChild) { d.firstChild.textContent = c.detail; } }
    [['vs_previous', c.vs_previous], ['vs_last_year', c.vs_last_year]].forEach(function (pair) {
      var n = card.querySelector('[data-field="' + pair[0] + '"]');
      if (!n || !pair[1]) { return; }
      n.className = 'change tone-' + pair[1].tone;
      n.querySelector('.arrow').textContent = pair[1].arrow;
      n.querySelector('.txt').textContent = pair[1].text;
    });
  }

  function refreshKPIs(root) {
    var q = new URLSearchParams(location.search);
    var stream = root.getAttribute('data-stream');
    if (stream) { q.set('stream', stream); }
    fetch('/api/v1/kpis?' + q.toString(), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        (data.groups || []).forEach(function (g) {
          (g.cards || []).forEach(function (c) {
            var card = document.querySelector('.kpi-group[data-stream="' + g.stream + '"] [data-kpi="' + c.key + '"]');
            if (card) { setCard(card, c); }
          });
        });
        var asOf = document.getElementById('as-of');
        if (asOf && data.as_of) { asOf.textContent = String(data.as_of).replace('T', ' ').slice(0, 19); }
      })
      .catch(function () { /* offline for a moment: the next tick retries */ });
  }

  function renderAlerts(box, alerts) {
    var list = el('ul', 'alerts');
    alerts.forEach(function (a) {
      var li = el('li', 'sev-' + a.severity);
      li.appendChild(el('span', 'sev', a.severity));
      li.appendChild(document.createTextNode(' '));
      if (a.link) { var l = el('a', '', a.title); l.href = a.link; li.appendChild(l); } else { li.appendChild(document.createTextNode(a.title)); }
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('small', '', a.when));
      list.appendChild(li);
    });
    box.replaceChildren(alerts.length ? list : el('p', 'state state-no_data', t('no_data')));
  }

  function refreshAlerts(section) {
    var box = section.querySelector('.alerts-body');
    fetch(section.getAttribute('data-src') + location.search, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && box) { renderAlerts(box, data.alerts || []); } })
      .catch(function () {});
  }

  function wireRefresh() {
    var root = document.querySelector('[data-refresh="kpis"]');
    var alerts = document.querySelector('#live-alerts[data-src]');
    if (!root && !alerts) { return; }
    setInterval(function () {
      if (document.hidden) { return; }
      if (root) { refreshKPIs(root); }
      if (alerts) { refreshAlerts(alerts); }
    }, REFRESH_MS);
  }

  // --- briefing -------------------------------------------------------------------------------
  function wireBriefing() {
    var box = document.getElementById('briefing');
    if (!box) { return; }
    var out = box.querySelector('.briefing-body');
    fetch(box.getAttribute('data-src') + '?lang=' + lang, { credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b || !b.text) { out.replaceChildren(el('p', 'state state-not_available', t('briefing_placeholder'))); return; }
        var nodes = [];
        String(b.text).split(/\n{2,}/).forEach(function (para) { nodes.push(el('p', '', para)); });
        if (b.mode) { nodes.push(el('p', 'mode', b.mode === 'llm' ? t('mode_llm') : t('mode_offline'))); }
        if (b.notice) { nodes.push(el('p', 'mode', b.notice)); }
        var facts = Array.isArray(b.facts) ? b.facts : ((b.facts && b.facts.facts) || []);
        if (facts.length) {
          var d = el('details'); d.appendChild(el('summary', '', t('facts')));
          var ul = el('ul', 'facts');
          facts.forEach(function (f) { ul.appendChild(el('li', '', typeof f === 'string' ? f : (f.id ? '[' + f.id + '] ' : '') + (f.text || f.label || JSON.stringify(f)))); });
          d.appendChild(ul); nodes.push(d);
        }
        out.replaceChildren.apply(out, nodes);
      })
      .catch(function () { out.replaceChildren(el('p', 'state state-not_available', t('briefing_placeholder'))); });
  }

  // --- ask ------------------------------------------------------------------------------------
  function renderAnswer(box, a, ask) {
    var nodes = [];
    nodes.push(el('p', 'mode', (a.mode === 'llm' ? t('mode_llm') : t('mode_offline')) + (a.notice ? ' · ' + a.notice : '')));
    if (a.answer) { nodes.push(el('p', 'answer', a.answer)); }
    if (a.interpretation) { var i = el('p', 'interpretation'); i.appendChild(el('strong', '', t('interpretation') + ': ')); i.appendChild(document.createTextNode(a.interpretation)); nodes.push(i); }
    if (a.clarify && a.clarify.options && a.clarify.options.length) {
      var c = el('div', 'clarify'); c.appendChild(el('p', '', a.clarify.question || t('clarify')));
      a.clarify.options.forEach(function (o) {
        var b = el('button', 'option', o.label); b.type = 'button';
        b.addEventListener('click', function () { ask(o.question); });
        c.appendChild(b);
      });
      nodes.push(c);
    }
    if (a.columns && a.columns.length && a.rows) {
      // Columns are {key, label, unit} (or plain names); the chart hint names columns by key.
      var keyOf = function (c) { return typeof c === 'string' ? c : c.key; };
      var labelOf = function (c) { return typeof c === 'string' ? c : (c.label || c.key); };
      var col = function (k) { for (var i = 0; i < a.columns.length; i++) { if (keyOf(a.columns[i]) === k) { return i; } } return -1; };
      var ch = a.chart || {};
      var ys = Array.isArray(ch.y) ? ch.y : (ch.y ? [ch.y] : []);
      if (ch.type === 'number' && a.rows.length) {
        var yi0 = ys.length ? col(ys[0]) : a.columns.length - 1;
        nodes.push(el('p', 'big-number', a.rows[0][yi0 >= 0 ? yi0 : 0]));
      } else if ((ch.type === 'bar' || ch.type === 'line') && typeof echarts !== 'undefined') {
        var xi = col(ch.x);
        var series = ys.map(function (k) { return { k: k, i: col(k) }; }).filter(function (y) { return y.i >= 0; });
        if (xi >= 0 && series.length) {
          var cn = el('div', 'chart'); nodes.push(cn);
          setTimeout(function () {
            var c = echarts.init(cn, null, { renderer: 'canvas' });
            c.setOption({ animation: false, tooltip: { trigger: 'axis' }, legend: { show: series.length > 1 },
              grid: { containLabel: true, left: 8, right: 16, top: 24, bottom: 8 },
              xAxis: { type: 'category', data: a.rows.map(function (r) { return r[xi]; }) }, yAxis: { type: 'value' },
              series: series.map(function (y) { return { name: labelOf(a.columns[y.i]), type: ch.type, data: a.rows.map(function (r) { return r[y.i]; }) }; }) });
            cn.setAttribute('data-drawn', '1'); charts.push(c);
          }, 0);
        }
      }
      var wrap = el('div', 'table-wrap'); var tb = el('table', 'rank');
      var hr = el('tr'); a.columns.forEach(function (h) { hr.appendChild(el('th', '', labelOf(h))); });
      var th = el('thead'); th.appendChild(hr); tb.appendChild(th);
      var tbody = el('tbody');
      a.rows.forEach(function (r) { var tr = el('tr'); r.forEach(function (v) { tr.appendChild(el('td', typeof v === 'number' ? 'num' : '', v === null ? '—' : v)); }); tbody.appendChild(tr); });
      tb.appendChild(tbody); wrap.appendChild(tb); nodes.push(wrap);
    }
    if (a.sql) { var d = el('details', 'sql'); d.appendChild(el('summary', '', t('sql'))); d.appendChild(el('pre', '', a.sql)); nodes.push(d); }
    box.replaceChildren.apply(box, nodes);
  }

  function wireAsk() {
    var form = document.getElementById('ask-form');
    if (!form) { return; }
    var box = document.getElementById('ask-result');
    var input = document.getElementById('ask-question');
    function ask(q) {
      input.value = q;
      box.replaceChildren(el('p', 'state state-loading', t('loading')));
      fetch(form.getAttribute('data-src'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf() },
        body: JSON.stringify({ question: q, lang: lang })
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { ok: r.ok, status: r.status, j: j }; });
      }).then(function (res) {
        if (res.ok) { renderAnswer(box, res.j, ask); return; }
        var key = res.status === 403 ? 'not_permitted' : (res.status === 404 || res.status === 503 ? 'not_available' : 'ask_error');
        var why = res.j && (res.j.message || (typeof res.j.error === 'string' && res.j.error.indexOf(' ') > 0 ? res.j.error : ''));
        box.replaceChildren(el('p', 'state state-' + key, t(key) + (why ? ' ' + why : '')));
      }).catch(function () { box.replaceChildren(el('p', 'state state-not_available', t('not_available'))); });
    }
    form.addEventListener('submit', function (ev) { ev.preventDefault(); if (input.value.trim()) { ask(input.value.trim()); } });
  }

  // --- ranking table: sort and filter, kept in the URL ----------------------------------------
  function wireRankTable() {
    var table = document.getElementById('ranking');
    if (!table) { return; }
    var tbody = table.tBodies[0];
    var search = document.getElementById('rank-search');
    var band = document.getElementById('rank-band');
    var params = new URLSearchParams(location.search);
    if (band && params.get('band')) { band.value = params.get('band'); }
    if (search && params.get('q')) { search.value = params.get('q'); }
    function keep() {
      var u = new URL(location.href);
      [['q', search && search.value], ['band', band && band.value]].forEach(function (p) { if (p[1]) { u.searchParams.set(p[0], p[1]); } else { u.searchParams.delete(p[0]); } });
      history.replaceState(null, '', u.pathname + u.search);
    }
    function filter() {
      var q = (search && search.value || '').toLowerCase(), b = band && band.value;
      Array.prototype.forEach.call(tbody.rows, function (r) {
        var show = (!q || r.textContent.toLowerCase().indexOf(q) >= 0) && (!b || r.getAttribute('data-band') === b);
        r.classList.toggle('hidden', !show);
      });
      keep();
    }
    if (search) { search.addEventListener('input', filter); }
    if (band) { band.addEventListener('change', filter); }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, idx) {
      var kind = th.getAttribute('data-sort');
      if (!kind) { return; }
      th.classList.add('sortable');
      th.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, b) {
          var x = a.cells[idx], y = b.cells[idx];
          var vx = x.getAttribute('data-sort') || x.textContent.trim(), vy = y.getAttribute('data-sort') || y.textContent.trim();
          var r = kind === 'num' ? (parseFloat(vx) || 0) - (parseFloat(vy) || 0) : vx.localeCompare(vy, lang);
          return asc ? r : -r;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
    filter();
  }

  function start() {
    drawCharts();
    wireFilters();
    wireRefresh();
    wireBriefing();
    wireAsk();
    wireRankTable();
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', start); } else { start(); }
})();
