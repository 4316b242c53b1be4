// chaos_dashboard page script (see PROTOCOL.md next to the extension).
//
// The page loads its state from the JSON API (/api/v1/...) and then follows
// the WebSocket /api/v1/stream. Everything it shows comes from users'
// services, so it never builds markup from data: text goes through
// textContent and the charts through createElementNS. The
// Content-Security-Policy forbids inline script and style, so presentation
// lives in style.css and the script only sets classes and data attributes;
// the data attributes also let tests read the page's state.
'use strict';

(() => {
  const MAX_BUCKETS = 120; // points kept in the charts
  const MAX_HISTORY = 50; // alert transitions kept
  const BACKOFF_MIN = 500; // ms before the first reconnect, doubled up to
  const BACKOFF_MAX = 5000; // this
  const STATS_DELAY = 2000; // live buckets refetch /stats at most this often

  const $ = (id) => document.getElementById(id);

  const state = {
    buckets: [], // global, one width (state.width), oldest first
    width: '',
    widthFromAPI: false, // the API named the width (else live buckets pick it)
    anomalies: new Map(), // id → open anomaly
    alerts: new Map(), // fingerprint → latest pending or firing transition
    history: [], // alert transitions, newest first
    health: new Map(), // "scope|key" → latest health entry
    statsHealth: null, // /stats health, used while /health has no global entry
    fleet: null,
    messages: 0,
    dropped: 0,
  };

  // ---- formatting -------------------------------------------------------

  const isNum = (x) => typeof x === 'number' && Number.isFinite(x);
  const nf = (opts) => new Intl.NumberFormat(undefined, opts);
  const F = {
    compact: nf({ notation: 'compact', maximumFractionDigits: 1 }),
    int: nf({ maximumFractionDigits: 0 }),
    one: nf({ maximumFractionDigits: 1 }),
    sig: nf({ maximumSignificantDigits: 2 }),
  };

  // fmtNum keeps about three significant digits: enough to compare, short
  // enough for a table cell.
  function fmtNum(x) {
    if (!isNum(x)) return '–';
    const a = Math.abs(x);
    return (a >= 1e4 ? F.compact : a >= 100 ? F.int : a >= 1 || a === 0 ? F.one : F.sig).format(x);
  }
  // Counts are exact up to a million, then compact ("1.2M").
  const fmtCount = (n) => (!isNum(n) ? '–' : Math.abs(n) >= 1e6 ? F.compact.format(n) : F.int.format(n));
  const fmtMs = (ms) => (!isNum(ms) ? '–' : ms >= 1000 ? fmtNum(ms / 1000) + ' s' : fmtNum(ms) + ' ms');
  const fmtPct = (p) => (isNum(p) ? fmtNum(p) + ' %' : '–');

  // toDate parses the API's RFC 3339 times. Go writes nanoseconds; keep
  // milliseconds, which every browser's Date parses.
  function toDate(t) {
    if (t instanceof Date) return t;
    if (typeof t !== 'string' || t === '') return null;
    const d = new Date(t.replace(/(\.\d{3})\d+/, '$1'));
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const timeMs = (t) => toDate(t)?.getTime() ?? 0;
  const clockFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const dayTimeFmt = new Intl.DateTimeFormat(undefined,
    { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

  // fmtTime shows a time in the browser's zone, with the date when it is
  // not today.
  function fmtTime(t) {
    const d = toDate(t);
    if (!d) return '–';
    return (d.toDateString() === new Date().toDateString() ? timeFmt : dayTimeFmt).format(d);
  }

  // durMs parses a Go duration ("1m", "1h30m", "500ms"); NaN if it cannot.
  function durMs(s) {
    const units = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1e3, m: 6e4, h: 36e5 };
    const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
    let total = 0, m, end = 0;
    while ((m = re.exec(s)) !== null) { total += parseFloat(m[1]) * units[m[2]]; end = re.lastIndex; }
    return end > 0 && end === String(s).length ? total : NaN;
  }

  const scopeLabel = (scope, key) => (!scope || scope === 'global' ? 'global' : key ? `${scope} ${key}` : scope);
  // Class names come from a fixed list, never from the data itself.
  const sevClass = (s) => (['info', 'warning', 'critical'].includes(s) ? 'sev-' + s : '');
  const healthClass = (score) => (!isNum(score) ? '' : score >= 80 ? 'good' : score >= 50 ? 'fair' : 'poor');

  // ---- DOM helpers ------------------------------------------------------

  const setText = (id, text) => { $(id).textContent = text; };

  function cell(tr, text, cls) {
    const td = document.createElement('td');
    td.textContent = text == null ? '' : String(text);
    if (cls) td.className = cls;
    tr.append(td);
    return td;
  }

  // timeCell shows the local time and keeps the exact UTC time as a tooltip.
  function timeCell(tr, t) {
    const td = cell(tr, fmtTime(t));
    if (typeof t === 'string') td.title = t;
    return td;
  }

  // fillTable replaces a tbody's rows and publishes their number.
  function fillTable(id, rows) {
    const tb = $(id);
    tb.replaceChildren(...rows);
    tb.dataset.count = String(rows.length);
    return rows.length;
  }

  // ---- cards --------------------------------------------------------------

  function renderStats(s) {
    setText('stat-events-hour', fmtCount(s.events_last_hour));
    setText('stat-events-day', fmtCount(s.events_last_day));
    setText('stat-latency', fmtMs(s.latency_avg_ms));
    setText('stat-faults', fmtCount(s.faults_last_hour));
    renderImpact(s.impact);
    if (s.scenario) renderScenario(s.scenario, s.scenario.at);
    state.statsHealth = s.health || null;
    renderHealth();
    const rows = (Array.isArray(s.top_endpoints) ? s.top_endpoints : []).map((e) => {
      const tr = document.createElement('tr');
      cell(tr, e.endpoint, 'wrap');
      cell(tr, fmtCount(e.events), 'num');
      return tr;
    });
    fillTable('top-endpoints', rows);
    // Active alerts and open anomalies are counted from the lists, which
    // the stream keeps current; /stats would lag behind them.
  }

  function renderImpact(im) {
    if (!im) {
      setText('stat-impact', '–');
      setText('stat-impact-detail', 'no chaos measured yet');
      return;
    }
    setText('stat-impact', fmtPct(im.severity * 100));
    setText('stat-impact-detail',
      `severity · ${fmtPct(im.degradation_pct)} degradation (${im.measured ? 'measured' : 'estimated'})`);
  }

  function renderScenario(sc, at) {
    if (!sc || !sc.to) return;
    setText('stat-scenario', sc.to);
    $('stat-scenario').title = sc.to; // the card may cut a long name
    setText('stat-scenario-detail', (sc.from ? `from ${sc.from} · ` : '') + `since ${fmtTime(at)}`);
    const banner = $('scenario-banner');
    banner.textContent = `scenario: ${sc.to}`;
    banner.dataset.scenario = sc.to;
  }

  const healthKey = (scope, key) => `${scope || 'global'}|${key || ''}`;

  function renderHealth() {
    const g = state.health.get('global|');
    const score = g ? g.score : state.statsHealth?.score;
    $('health').dataset.score = isNum(score) ? String(score) : '';
    const big = $('stat-health');
    big.textContent = isNum(score) ? F.int.format(score) : '–';
    big.className = ('big ' + healthClass(score)).trim();

    const items = Object.entries(g?.components || {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, v]) => {
        const li = document.createElement('li');
        const n = document.createElement('span');
        const s = document.createElement('span');
        n.textContent = name;
        s.textContent = fmtNum(v);
        li.append(n, s);
        if (isNum(v) && v < 50) li.className = 'low';
        return li;
      });
    $('health-components').replaceChildren(...items);

    const order = { global: 0, service: 1, endpoint: 2 };
    const rows = [...state.health.values()]
      .sort((a, b) => (order[a.scope] ?? 3) - (order[b.scope] ?? 3) || String(a.key).localeCompare(String(b.key)))
      .map((h) => {
        const tr = document.createElement('tr');
        cell(tr, scopeLabel(h.scope, h.key));
        cell(tr, isNum(h.score) ? F.int.format(h.score) : '–', healthClass(h.score));
        cell(tr, Array.isArray(h.factors) && h.factors.length ? h.factors.join(', ') : '—', 'wrap');
        return tr;
      });
    fillTable('health-scopes', rows);
  }

  // ---- charts -------------------------------------------------------------

  const SVG = 'http://www.w3.org/2000/svg';
  const W = 480, H = 220, L = 50, R = 12, T = 10, B = 24; // index.html's viewBox, margins

  function svgEl(name, attrs, text) {
    const el = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text != null) el.textContent = text;
    return el;
  }

  // niceMax rounds an axis maximum up to 1, 2, 2.5 or 5 times a power of ten.
  function niceMax(v) {
    if (!(v > 0)) return 1;
    const p = 10 ** Math.floor(Math.log10(v));
    for (const m of [1, 2, 2.5, 5]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  // drawChart draws series (each {cls, label, get(bucket) → number|null,
  // area}) over the buckets, by time, with a gap where a value is missing.
  function drawChart(svg, buckets, series, fixedMax, fmtY) {
    svg.replaceChildren();
    svg.dataset.bucketCount = String(buckets.length);
    if (buckets.length === 0) {
      svg.append(svgEl('text', { x: W / 2, y: H / 2, 'text-anchor': 'middle', class: 'nodata' }, 'no data yet'));
      return;
    }
    let max = 0;
    for (const b of buckets) for (const s of series) { const v = s.get(b); if (isNum(v)) max = Math.max(max, v); }
    max = fixedMax || niceMax(max);
    const t0 = buckets[0]._t, span = buckets[buckets.length - 1]._t - t0;
    const x = (t) => (span > 0 ? L + ((t - t0) / span) * (W - L - R) : (L + W - R) / 2);
    const y = (v) => H - B - (Math.max(0, Math.min(v, max)) / max) * (H - T - B);

    for (let i = 0; i <= 4; i++) {
      const v = (max * i) / 4, yy = y(v).toFixed(1);
      svg.append(svgEl('line', { x1: L, x2: W - R, y1: yy, y2: yy, class: 'grid' }));
      svg.append(svgEl('text', { x: L - 5, y: +yy + 4, 'text-anchor': 'end', class: 'axis-label' }, fmtY(v)));
    }
    const last = buckets.length - 1;
    const ticks = [...new Set([0, Math.floor(last / 2), last])];
    for (const i of ticks) {
      const anchor = ticks.length === 1 ? 'middle' : i === 0 ? 'start' : i === last ? 'end' : 'middle';
      svg.append(svgEl('text', { x: x(buckets[i]._t).toFixed(1), y: H - 7, 'text-anchor': anchor, class: 'axis-label' },
        clockFmt.format(new Date(buckets[i]._t))));
    }

    for (const s of series) {
      const runs = []; // runs of consecutive points with a value
      let run = null;
      for (const b of buckets) {
        const v = s.get(b);
        if (!isNum(v)) { run = null; continue; }
        if (!run) runs.push((run = []));
        run.push([x(b._t).toFixed(1), y(v).toFixed(1)]);
      }
      for (const pts of runs) {
        const d = pts.map(([px, py], i) => `${i ? 'L' : 'M'}${px} ${py}`).join('');
        if (s.area) {
          const base = H - B;
          svg.append(svgEl('path', { d: `${d}L${pts[pts.length - 1][0]} ${base}L${pts[0][0]} ${base}Z`, class: `area s-${s.cls}` }));
        }
        svg.append(svgEl('path', { d, class: `line s-${s.cls}` }));
      }
      // A dot on the newest value: the only mark when there is one point.
      const end = runs.length ? runs[runs.length - 1] : null;
      if (end) { const [px, py] = end[end.length - 1]; svg.append(svgEl('circle', { cx: px, cy: py, r: 2.5, class: `dot s-${s.cls}` })); }
    }

    // One transparent column per bucket carries its values as a tooltip.
    const col = buckets.length > 1 ? (W - L - R) / last : W - L - R;
    for (const b of buckets) {
      const cx = x(b._t), x0 = Math.max(L, cx - col / 2), x1 = Math.min(W - R, cx + col / 2);
      const hit = svgEl('rect', { x: x0.toFixed(1), y: T, width: Math.max(1, x1 - x0).toFixed(1), height: H - T - B, class: 'hit' });
      hit.append(svgEl('title', {}, [fmtTime(b.start), ...series.map((s) => `${s.label} ${fmtY(s.get(b))}`)].join(' · ')));
      svg.append(hit);
    }
  }

  const pctAxis = (v) => (isNum(v) ? fmtNum(v) + '%' : '–');

  function renderCharts() {
    const bs = state.buckets;
    const charts = $('charts');
    charts.dataset.bucketCount = String(bs.length);
    charts.dataset.width = state.width;
    charts.dataset.lastStart = bs.length ? bs[bs.length - 1].start : '';
    setText('chart-range', bs.length
      ? `${clockFmt.format(bs[0]._t)} – ${clockFmt.format(timeMs(bs[bs.length - 1].end))} · ${state.width} buckets` : '');
    drawChart($('chart-events'), bs, [
      { cls: 'events', label: 'events', get: (b) => b.events, area: true },
      { cls: 'faults', label: 'faults', get: (b) => b.faults },
    ], 0, fmtCount);
    drawChart($('chart-latency'), bs, ['p50', 'p95', 'p99'].map((p) =>
      ({ cls: p, label: p, get: (b) => (b.latency_ms ? b.latency_ms[p] : null) })), 0, fmtMs);
    drawChart($('chart-impact'), bs, [
      { cls: 'severity', label: 'severity', get: (b) => (b.impact && isNum(b.impact.severity) ? b.impact.severity * 100 : null) },
      { cls: 'degradation', label: 'degradation', get: (b) => b.impact?.degradation_pct },
    ], 100, pctAxis);
  }

  // addBucket inserts a bucket by its start, replacing one with the same
  // start, and keeps the newest MAX_BUCKETS.
  function addBucket(b) {
    const t = toDate(b.start)?.getTime();
    if (t == null) return;
    b._t = t;
    const bs = state.buckets;
    let i = bs.length;
    while (i > 0 && bs[i - 1]._t > t) i--;
    if (i > 0 && bs[i - 1]._t === t) bs[i - 1] = b;
    else bs.splice(i, 0, b);
    if (bs.length > MAX_BUCKETS) bs.splice(0, bs.length - MAX_BUCKETS);
  }

  // onLiveBucket charts closed global buckets of the charted width. Every
  // width closes buckets; when the API had none to say which is the finest,
  // the finest seen so far wins.
  function onLiveBucket(b, scope, key) {
    if ((scope || b.scope || 'global') !== 'global' || key || b.key) return;
    const w = durMs(b.width);
    if (state.width && w !== durMs(state.width)) {
      if (state.widthFromAPI || !(w < durMs(state.width))) return;
      state.buckets = []; // a finer width than the one adopted: switch
    }
    state.width = b.width;
    addBucket(b);
    renderCharts();
    scheduleStats();
  }

  // ---- anomalies and alerts ---------------------------------------------

  function renderAnomalies() {
    const rows = [...state.anomalies.values()]
      .sort((a, b) => timeMs(b.opened) - timeMs(a.opened))
      .map((a) => {
        const tr = document.createElement('tr');
        tr.dataset.id = a.id;
        if (a.description) tr.title = a.description;
        timeCell(tr, a.opened);
        cell(tr, a.type, 'wrap');
        cell(tr, scopeLabel(a.scope, a.key), 'wrap');
        cell(tr, a.severity, sevClass(a.severity));
        cell(tr, fmtNum(a.value), 'num');
        cell(tr, fmtNum(a.expected), 'num');
        cell(tr, fmtNum(a.score), 'num');
        return tr;
      });
    const n = fillTable('anomalies', rows);
    setText('anomalies-count', String(n));
    setText('stat-anomalies', fmtCount(n));
    $('anomalies-empty').classList.toggle('hidden', n > 0);
  }

  function renderAlerts() {
    const active = [...state.alerts.values()]
      .sort((a, b) => timeMs(b.at) - timeMs(a.at))
      .map((a) => {
        const l = a.labels || {};
        const tr = document.createElement('tr');
        tr.dataset.state = a.to;
        tr.dataset.fingerprint = a.fingerprint;
        const ann = a.annotations || {};
        if (ann.summary || ann.description) tr.title = ann.summary || ann.description;
        cell(tr, a.to, 'state');
        cell(tr, a.rule || l.alertname, 'wrap');
        cell(tr, l.severity, sevClass(l.severity));
        cell(tr, scopeLabel(l.scope, l.scope_key), 'wrap');
        cell(tr, fmtNum(a.value), 'num');
        timeCell(tr, a.at);
        return tr;
      });
    const n = fillTable('alerts', active);
    setText('alerts-count', String(n));
    setText('stat-alerts', fmtCount(n));
    $('alerts-empty').classList.toggle('hidden', n > 0);

    fillTable('alert-history', state.history.map((t) => {
      const tr = document.createElement('tr');
      tr.dataset.state = t.to;
      timeCell(tr, t.at);
      cell(tr, t.rule || t.labels?.alertname, 'wrap');
      cell(tr, `${t.from || '–'} → ${t.to || '–'}`);
      cell(tr, fmtNum(t.value), 'num');
      return tr;
    }));
  }

  function onAlert(type, t) {
    if (!t.fingerprint) return;
    if (type === 'alert_resolved') state.alerts.delete(t.fingerprint);
    else state.alerts.set(t.fingerprint, t);
    state.history.unshift(t);
    state.history.length = Math.min(state.history.length, MAX_HISTORY);
    renderAlerts();
  }

  // ---- fleet --------------------------------------------------------------

  function renderFleet() {
    const f = state.fleet || {};
    const el = $('fleet');
    el.dataset.leader = f.leader || '';
    el.dataset.term = f.term != null ? String(f.term) : '';
    el.dataset.standalone = f.standalone ? 'true' : 'false';
    setText('fleet-self', f.self || '–');
    setText('fleet-leader', f.leader || (f.standalone ? 'standalone' : 'none'));
    setText('fleet-term', f.term != null ? String(f.term) : '–');
    const members = Array.isArray(f.members) ? f.members : [];
    fillTable('fleet-members', members.map((m) => {
      const tr = document.createElement('tr');
      const tags = [m.id === f.leader && 'leader', m.id === f.self && 'self'].filter(Boolean);
      cell(tr, m.id + (tags.length ? ` (${tags.join(', ')})` : ''), m.id === f.leader ? 'leader' : '');
      cell(tr, m.status);
      timeCell(tr, m.last_heartbeat);
      return tr;
    }));
  }

  // ---- REST state ---------------------------------------------------------

  // URLs are relative to the page, so that the page also works behind a
  // proxy that serves the collector under a path prefix.
  async function getJSON(path) {
    const res = await fetch(new URL(path, document.baseURI), { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (!res.ok) throw new Error(`${path.split('?')[0]}: HTTP ${res.status}`);
    return res.json();
  }

  let statsTimer = 0;
  // scheduleStats refetches /stats after live buckets, at most every
  // STATS_DELAY: the cards are windows the server computes.
  function scheduleStats() {
    if (statsTimer) return;
    statsTimer = setTimeout(async () => {
      statsTimer = 0;
      try { renderStats(await getJSON('api/v1/stats')); } catch { /* the next full load reports it */ }
    }, STATS_DELAY);
  }

  let loadSeq = 0;
  // load fetches the whole state; it runs at start, after a reconnect and
  // after the server said this page lost messages.
  async function load() {
    const seq = ++loadSeq;
    const paths = ['api/v1/stats', 'api/v1/buckets?scope=global', 'api/v1/anomalies?state=open',
      `api/v1/alerts?limit=${MAX_HISTORY}`, 'api/v1/health', 'api/v1/fleet'];
    const results = await Promise.allSettled(paths.map(getJSON));
    if (seq !== loadSeq) return; // a newer load is under way: its answers win
    const [stats, buckets, anomalies, alerts, health, fleet] = results.map((r) => (r.status === 'fulfilled' ? r.value : null));

    if (buckets) {
      state.buckets = [];
      for (const b of buckets.buckets || []) addBucket(b);
      state.width = state.buckets.length ? state.buckets[state.buckets.length - 1].width : '';
      state.widthFromAPI = state.width !== '';
      renderCharts();
    }
    if (anomalies) {
      state.anomalies = new Map((anomalies.anomalies || []).filter((a) => a.state !== 'closed').map((a) => [a.id, a]));
      renderAnomalies();
    }
    if (alerts) {
      state.alerts = new Map((alerts.active || []).map((a) => [a.fingerprint, a]));
      state.history = (alerts.history || []).slice(0, MAX_HISTORY);
      renderAlerts();
    }
    if (health) state.health = new Map((health.health || []).map((h) => [healthKey(h.scope, h.key), h]));
    if (stats) renderStats(stats);
    else if (health) renderHealth();
    if (fleet) { state.fleet = fleet; renderFleet(); }

    const failed = results.filter((r) => r.status === 'rejected').map((r) => r.reason?.message || String(r.reason));
    const err = $('errors');
    err.textContent = failed.length ? `could not load ${failed.join(', ')}` : '';
    err.classList.toggle('hidden', failed.length === 0);
    setText('updated', fmtTime(new Date()));
    document.body.dataset.ready = 'true';
  }

  // ---- stream -------------------------------------------------------------

  function onMessage(m) {
    state.messages++;
    const counter = $('messages');
    counter.dataset.count = String(state.messages);
    counter.textContent = fmtCount(state.messages);
    const d = m.data && typeof m.data === 'object' ? m.data : {};
    switch (m.type) {
      case 'bucket':
        onLiveBucket(d, m.scope, m.key);
        break;
      case 'impact':
        if ((m.scope || 'global') === 'global') renderImpact(d);
        break;
      case 'anomaly_opened':
      case 'anomaly_updated':
        if (d.state === 'closed') state.anomalies.delete(d.id);
        else if (d.id) state.anomalies.set(d.id, d);
        renderAnomalies();
        break;
      case 'anomaly_closed':
        state.anomalies.delete(d.id);
        renderAnomalies();
        break;
      case 'health':
        state.health.set(healthKey(d.scope || m.scope, d.key ?? m.key), d);
        renderHealth();
        break;
      case 'alert_pending':
      case 'alert_fired':
      case 'alert_resolved':
        onAlert(m.type, d);
        break;
      case 'scenario':
        renderScenario(d, m.at);
        break;
      case 'leadership':
        state.fleet = { ...(state.fleet || {}), leader: d.leader, term: d.term };
        renderFleet();
        break;
      case 'keepalive':
        $('connection').title = `last keepalive ${fmtTime(m.at)}`;
        return; // not news: leave "Updated" alone
      case 'dropped': {
        // The server skipped messages for this page: what it shows may be
        // stale, so start again from the API.
        state.dropped += isNum(d.count) ? d.count : 0;
        const el = $('dropped');
        el.textContent = `· ${fmtCount(state.dropped)} live messages lost (slow connection), state reloaded`;
        el.classList.remove('hidden');
        load();
        break;
      }
      default:
        return; // a type this page does not know yet
    }
    setText('updated', fmtTime(new Date()));
  }

  function setConnection(s, text) {
    const c = $('connection');
    c.dataset.state = s;
    c.className = s;
    c.textContent = text;
  }

  let socket = null;
  let everConnected = false;
  let backoff = BACKOFF_MIN;

  function connect() {
    const url = new URL('api/v1/stream', document.baseURI);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try { ws = new WebSocket(url); } catch { retry(); return; }
    socket = ws;
    ws.onopen = () => {
      backoff = BACKOFF_MIN;
      setConnection('connected', 'live');
      // Whatever happened while the socket was down is missing: reload.
      if (everConnected) load();
      everConnected = true;
    };
    ws.onmessage = (ev) => {
      let m;
      try { m = JSON.parse(ev.data); } catch { return; }
      if (m && typeof m.type === 'string') onMessage(m);
    };
    // An error is always followed by close, which retries.
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      retry();
    };
  }

  // retry reconnects after a delay that doubles from BACKOFF_MIN to
  // BACKOFF_MAX, so that a restarting collector is not hammered. The state
  // stays "disconnected" until a socket opens.
  function retry() {
    const delay = backoff;
    backoff = Math.min(backoff * 2, BACKOFF_MAX);
    setConnection('disconnected', `disconnected · retrying in ${fmtNum(delay / 1000)} s`);
    setTimeout(() => {
      $('connection').textContent = 'disconnected · reconnecting…';
      connect();
    }, delay);
  }

  load();
  connect();
})();
