// The Argus operator console. Every value from the server (request ids, model names, errors) is
// put into the page as text (Node.append of strings, textContent), never parsed as HTML; the page
// only talks to the server it came from, at most once a second.
'use strict';
(function () {
  const TOKEN_KEY = 'argus.console.token';
  const PHASES = ['decode', 'preprocess', 'queue', 'compute', 'postprocess'];
  const $ = (id) => document.getElementById(id);
  const state = {
    tab: 'overview',
    filters: { kind: 'all', model: '', outcome: '', id: '' },
    overview: null,
    modelsFetchedAt: 0,
    timer: null,
    inFlight: false,
    again: false,
  };

  /** An element with attributes and children; strings become text nodes. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      // Through the CSSOM: the page's Content-Security-Policy refuses inline style attributes.
      else if (k === 'style') Object.assign(e.style, v);
      else if (k === 'onclick') e.addEventListener('click', v);
      else e.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  class ApiError extends Error {
    constructor(status, body) {
      const id = body && body.request_id ? ` (request id ${body.request_id})` : '';
      super(`${status} ${(body && body.error_type) || ''}: ${(body && body.error) || 'no answer'}${id}`);
      this.status = status;
    }
  }

  async function api(path, options) {
    const headers = { Accept: 'application/json' };
    if (token()) headers.Authorization = `Bearer ${token()}`;
    const res = await fetch(path, Object.assign({ headers, cache: 'no-store' }, options || {}));
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    if (res.status === 401 || res.status === 403) {
      askToken(res.status === 403 ? 'That is not the admin token.' : 'This console needs the admin token.');
    }
    if (!res.ok) throw new ApiError(res.status, body);
    return body;
  }

  function askToken(message) {
    $('token-form').hidden = false;
    $('token-message').textContent = message;
  }

  // --- formatting ---------------------------------------------------------------------------
  const fmt = {
    ms(v) {
      if (v === null || v === undefined) return '–';
      return v < 10 ? `${v.toFixed(2)} ms` : v < 1000 ? `${v.toFixed(1)} ms` : `${(v / 1000).toFixed(2)} s`;
    },
    rate(v) {
      return v === null || v === undefined ? '–' : `${v.toFixed(2)}/s`;
    },
    ratio(v) {
      return v === null || v === undefined ? '–' : `${(v * 100).toFixed(v > 0 && v < 0.01 ? 2 : 1)}%`;
    },
    num(v, digits) {
      return v === null || v === undefined ? '–' : Number(v).toFixed(digits);
    },
    bytes(v) {
      if (v === null || v === undefined || v < 0) return '–';
      const units = ['B', 'KiB', 'MiB', 'GiB'];
      let i = 0;
      while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
    },
    time(iso) {
      const d = new Date(iso);
      return isNaN(d) ? String(iso) : d.toLocaleTimeString([], { hour12: false });
    },
    uptime(s) {
      const d = Math.floor(s / 86400);
      const h = Math.floor((s % 86400) / 3600);
      const m = Math.floor((s % 3600) / 60);
      return d ? `up ${d}d ${h}h` : h ? `up ${h}h ${m}m` : `up ${m}m ${Math.floor(s % 60)}s`;
    },
  };

  // --- routing: the tab and the filters live in the URL's hash, so a view can be shared -------
  function readHash() {
    const raw = location.hash.replace(/^#/, '');
    const [tab, query] = raw.split('?');
    state.tab = ['overview', 'requests', 'models'].includes(tab) ? tab : 'overview';
    const q = new URLSearchParams(query || '');
    state.filters = {
      kind: q.get('kind') || 'all',
      model: q.get('model') || '',
      outcome: q.get('outcome') || '',
      id: q.get('id') || '',
    };
    for (const a of document.querySelectorAll('nav a[data-tab]')) {
      a.classList.toggle('active', a.dataset.tab === state.tab);
    }
    for (const s of document.querySelectorAll('[data-page]')) {
      s.hidden = s.dataset.page !== state.tab;
    }
    setSelect($('f-kind'), state.filters.kind);
    setSelect($('f-model'), state.filters.model);
    setSelect($('f-outcome'), state.filters.outcome);
  }

  /** Selects value, adding it as an option first when it is not one (e.g. from a shared link). */
  function setSelect(select, value) {
    if (![...select.options].some((o) => o.value === value)) {
      select.append(el('option', { value }, value));
    }
    select.value = value;
  }

  function requestsHash(filters) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(filters)) {
      if (v && !(k === 'kind' && v === 'all')) q.set(k, v);
    }
    const s = q.toString();
    return `#requests${s ? `?${s}` : ''}`;
  }

  // --- overview -----------------------------------------------------------------------------
  function renderHeader(o) {
    $('version').textContent = `${o.version} · ${o.runtime}`;
    const ready = $('ready');
    ready.textContent = o.ready ? 'ready' : 'not ready';
    ready.className = `badge ${o.ready ? 'ok' : 'bad'}`;
    ready.title = o.reasons.join('\n');
    $('uptime').textContent = fmt.uptime(o.uptime_seconds);
    $('reasons').replaceChildren(...o.reasons.map((r) => el('li', {}, r)));
    const m = o.memory;
    $('memory').textContent =
      `heap ${fmt.bytes(m.heap_used_bytes)} of ${fmt.bytes(m.heap_max_bytes)} · resident ` +
      `${fmt.bytes(m.resident_bytes)}${m.resident_limit_bytes > 0 ? ` of ${fmt.bytes(m.resident_limit_bytes)}` : ''}`;
    const models = $('f-model');
    for (const mod of o.models) {
      if (![...models.options].some((op) => op.value === mod.name)) {
        models.append(el('option', { value: mod.name }, mod.name));
      }
    }
  }

  function chart(title, values, format, color) {
    const finite = values.filter((v) => typeof v === 'number');
    const last = finite.length ? finite[finite.length - 1] : null;
    return el(
      'div',
      { class: 'chart' },
      el('div', { class: 'label' }, el('span', {}, title), el('span', {}, last === null ? '–' : format(last))),
      window.ArgusCharts.sparkline(values, { title, format, color })
    );
  }

  function modelCard(m, o) {
    const rows = ['1m', '5m', '15m'].map((label) => {
      const w = m.windows[label];
      return el(
        'tr',
        {},
        el('td', {}, label),
        el('td', { class: 'num' }, fmt.rate(w.rate_per_second)),
        el('td', { class: 'num' }, fmt.ratio(w.error_ratio)),
        el('td', { class: 'num' }, fmt.ratio(w.client_error_ratio)),
        el('td', { class: 'num' }, fmt.ms(w.p50_ms)),
        el('td', { class: 'num' }, fmt.ms(w.p95_ms)),
        el('td', { class: 'num' }, fmt.ms(w.p99_ms)),
        el('td', { class: 'num' }, fmt.num(w.mean_batch_size, 1))
      );
    });
    const slo = m.slo.map((s) =>
      el(
        'li',
        {},
        el('span', { class: `badge ${s.status}` }, s.status),
        ` ${s.name}${s.scope === '*' ? ' (all models)' : ''}: budget left ${fmt.ratio(s.budget_remaining_ratio)},` +
          ` burn ${fmt.num(s.burn_rate['5m'], 2)}× (5m) ${fmt.num(s.burn_rate['1h'], 2)}× (1h)`
      )
    );
    const d = m.drift;
    const drift = el(
      'span',
      { class: `badge ${d.state}`, title: d.in_drift && d.in_drift.length ? `in drift: ${d.in_drift.join(', ')}` : null },
      `drift: ${d.state}${d.in_drift && d.in_drift.length ? ` (${d.in_drift.join(', ')})` : ''}`
    );
    const card = el(
      'article',
      { class: 'card', 'data-model': m.name },
      el('h2', {}, m.name, el('span', { class: 'muted' }, m.version ? `v${m.version}` : ''),
        el('span', { class: `badge ${m.state}`, 'data-role': 'state' }, m.state), drift),
      m.reason ? el('p', { class: 'error' }, m.reason) : null,
      el(
        'table',
        { class: 'figures' },
        el('thead', {}, el('tr', {}, ...['window', 'req/s', 'errors', 'invalid', 'p50', 'p95', 'p99', 'batch'].map((h, i) => el('th', { class: i ? 'num' : null }, h)))),
        el('tbody', {}, rows)
      ),
      el(
        'p',
        { class: 'muted small' },
        m.queue_depth === null
          ? 'not serving'
          : `queue ${m.queue_depth} of ${m.queue_capacity} · max batch ${m.max_batch_size}` +
              (m.slow_threshold_ms !== null ? ` · slow over ${fmt.ms(m.slow_threshold_ms)}` : '')
      ),
      slo.length ? el('ul', { class: 'small slo' }, slo) : null
    );
    if (m.series) {
      const s = m.series;
      card.append(
        el(
          'div',
          { class: 'charts' },
          chart('requests/s', s.requests, (v) => `${v}/s`, '#0b5cad'),
          chart('p99', s.p99_ms, (v) => fmt.ms(v), '#bf8700'),
          chart('errors/s', s.errors, (v) => `${v}/s`, '#cf222e')
        )
      );
    }
    if (o.console.admin_actions) {
      const message = el('span', { class: 'muted small', 'data-role': 'action-message' });
      const action = (verb) => async () => {
        if (!token()) {
          askToken('Load and unload need the admin token.');
          return;
        }
        message.textContent = `${verb}ing…`;
        try {
          const r = await api(`v2/repository/models/${encodeURIComponent(m.name)}/${verb}`, { method: 'POST' });
          message.textContent = `${r.name}: ${r.state}`;
        } catch (e) {
          message.textContent = e.message;
        }
        refresh();
      };
      card.append(
        el('div', { class: 'actions' },
          el('button', { type: 'button', 'data-action': 'load', onclick: action('load') }, 'Load'),
          el('button', { type: 'button', 'data-action': 'unload', onclick: action('unload') }, 'Unload'),
          message)
      );
    }
    return card;
  }

  function renderOverview(o) {
    const cards = $('model-cards');
    // Keep an action's message across refreshes.
    const messages = {};
    for (const c of cards.querySelectorAll('[data-model]')) {
      const msg = c.querySelector('[data-role=action-message]');
      if (msg) messages[c.dataset.model] = msg.textContent;
    }
    cards.replaceChildren(...o.models.map((m) => modelCard(m, o)));
    for (const c of cards.querySelectorAll('[data-model]')) {
      const msg = c.querySelector('[data-role=action-message]');
      if (msg && messages[c.dataset.model]) msg.textContent = messages[c.dataset.model];
    }
    if (!o.models.length) cards.append(el('p', { class: 'muted' }, 'No models in the repository.'));
  }

  // --- requests -----------------------------------------------------------------------------
  function phaseBar(phases) {
    if (!phases) return el('span', { class: 'muted' }, '–');
    const total = PHASES.reduce((a, p) => a + phases[p], 0) || 1;
    return el(
      'div',
      { class: 'phasebar', title: PHASES.map((p) => `${p} ${fmt.ms(phases[p])}`).join(', ') },
      PHASES.filter((p) => phases[p] > 0).map((p) =>
        el('span', { class: `ph-${p}`, style: { width: `${((phases[p] / total) * 100).toFixed(2)}%` } })
      )
    );
  }

  function traceCell(r) {
    if (!r.trace_id) return el('span', { class: 'muted' }, '–');
    // trace_url is the server's console.trace_url template (an http(s) URL) with the id put in.
    if (r.trace_url && /^https?:\/\//.test(r.trace_url)) {
      return el('a', { href: r.trace_url, target: '_blank', rel: 'noopener noreferrer', class: 'mono trace-link' }, r.trace_id);
    }
    return el('span', { class: 'mono' }, r.trace_id);
  }

  function renderRequests(list) {
    $('requests-error').hidden = true;
    $('requests-count').textContent = `${list.requests.length} shown · the last ${list.capacity_per_kind} slow and ${list.capacity_per_kind} failed are kept`;
    const rows = list.requests.map((r) =>
      el(
        'tr',
        { 'data-request-id': r.request_id, 'data-kind': r.kind, class: r.request_id === state.filters.id ? 'selected' : null },
        el('td', { title: r.time }, fmt.time(r.time)),
        el('td', {}, el('span', { class: `badge ${r.kind === 'failed' ? (r.server_fault ? 'bad' : 'warning') : 'waiting'}` }, r.kind)),
        el('td', {}, r.model || '–'),
        el('td', { class: 'mono' }, `${r.method} ${r.route}`),
        el('td', {}, String(r.status)),
        el('td', { class: 'err-text' }, r.error_type ? el('strong', {}, r.error_type) : '', r.error ? ` ${r.error}` : ''),
        el('td', { class: 'num' }, fmt.ms(r.duration_ms)),
        el('td', {}, phaseBar(r.phases_ms)),
        el('td', { class: 'mono' }, el('a', { href: requestsHash(Object.assign({}, state.filters, { id: r.request_id })), class: 'request-id' }, r.request_id)),
        el('td', {}, traceCell(r))
      )
    );
    if (!rows.length) rows.push(el('tr', {}, el('td', { colspan: 10, class: 'muted' }, 'No slow or failed requests match.')));
    $('request-table').tBodies[0].replaceChildren(...rows);
  }

  function renderDetail(r) {
    const box = $('detail');
    if (!r) {
      box.hidden = true;
      return;
    }
    const dl = el('dl', {});
    const add = (k, v) => dl.append(el('dt', {}, k), el('dd', {}, v));
    add('request id', el('span', { class: 'mono' }, r.request_id));
    add('time', r.time);
    add('kind', r.kind);
    add('model', r.model ? `${r.model} v${r.version}` : '–');
    add('route', `${r.protocol} ${r.method} ${r.route}`);
    add('status', String(r.status));
    add('outcome', r.outcome);
    if (r.error_type) add('error', `${r.error_type}: ${r.error}`);
    add('duration', `${fmt.ms(r.duration_ms)} at the edge${r.server_ms !== null ? `, ${fmt.ms(r.server_ms)} server-side` : ''}`);
    if (r.phases_ms) {
      add('phases', el('div', {}, phaseBar(r.phases_ms),
        el('div', { class: 'legend' }, PHASES.map((p) => el('span', {}, el('i', { class: `ph-${p}` }), `${p} ${fmt.ms(r.phases_ms[p])}`)))));
    }
    if (r.batch_size) add('batch size', String(r.batch_size));
    add('trace', traceCell(r));
    box.replaceChildren(el('h2', {}, 'Request ', el('span', { class: 'mono' }, r.request_id)), dl);
    box.hidden = false;
  }

  // --- models -------------------------------------------------------------------------------
  function tensorTable(title, specs) {
    return [
      el('h3', {}, title),
      el('table', {}, el('tbody', {}, specs.map((t) => el('tr', {}, el('td', { class: 'mono' }, t.name), el('td', {}, t.datatype), el('td', { class: 'mono' }, `[${t.shape.join(', ')}]`))))),
    ];
  }

  function renderModels(body) {
    $('models-error').hidden = true;
    const cards = body.models.map((m) => {
      const card = el('article', { class: 'card', 'data-model': m.name },
        el('h2', {}, m.name, el('span', { class: 'muted' }, m.version ? `v${m.version}` : ''), el('span', { class: `badge ${m.state}` }, m.state)));
      if (m.reason) card.append(el('p', { class: 'error' }, m.reason));
      if (m.inputs) {
        card.append(
          el('p', { class: 'muted small' }, `loaded in ${fmt.ms(m.load_ms)}, warm-up ${fmt.ms(m.warmup_ms)} · model file ${fmt.bytes(m.file_bytes)} · ${m.labels} labels`),
          ...tensorTable('inputs', m.inputs),
          ...tensorTable('outputs', m.outputs),
          el('h3', {}, 'config as loaded (model.yaml over the server defaults)'),
          el('pre', { class: 'mono' }, JSON.stringify(m.config, null, 2)),
          el('h3', {}, 'batching in effect'),
          el('pre', { class: 'mono' }, JSON.stringify(m.batching_effective, null, 2))
        );
      }
      const d = m.drift;
      card.append(el('h3', {}, 'drift'));
      if (!d.enabled) {
        card.append(el('p', { class: 'muted' }, 'off'));
      } else {
        card.append(
          el('p', { class: 'muted small' }, `reference: ${d.reference.source}, ${d.reference.size} samples${d.reference.complete ? '' : ' (filling)'} · recent window ${d.recent_size} · ${d.evaluated_at ? `evaluated ${fmt.time(d.evaluated_at)}` : 'not evaluated yet'}`),
          el('table', {},
            el('thead', {}, el('tr', {}, ...['feature', 'test', 'score', 'p-value', 'PSI', ''].map((h) => el('th', {}, h)))),
            el('tbody', {}, d.features.map((f) => el('tr', {},
              el('td', { class: 'mono' }, f.feature), el('td', {}, f.test), el('td', { class: 'num' }, fmt.num(f.score, 3)),
              el('td', { class: 'num' }, fmt.num(f.p_value, 4)), el('td', { class: 'num' }, f.psi === undefined ? '' : fmt.num(f.psi, 3)),
              el('td', {}, el('span', { class: `badge ${f.detected ? 'drift' : 'ok'}` }, f.detected ? 'drift' : 'ok'))))))
        );
      }
      return card;
    });
    $('model-details').replaceChildren(...cards);
  }

  // --- the loop -----------------------------------------------------------------------------
  function live(ok, text) {
    const e = $('live');
    e.textContent = text;
    e.classList.toggle('offline', !ok);
  }

  async function refresh() {
    if (state.inFlight) {
      state.again = true; // a navigation or an action asked: refresh once this one ends
      return;
    }
    state.inFlight = true;
    clearTimeout(state.timer);
    try {
      const o = await api(`console/api/overview?series=${state.tab === 'overview' ? 300 : 0}`);
      state.overview = o;
      renderHeader(o);
      if (state.tab === 'overview') renderOverview(o);
      if (state.tab === 'requests') await refreshRequests();
      if (state.tab === 'models' && Date.now() - state.modelsFetchedAt > 5000) {
        state.modelsFetchedAt = Date.now();
        try {
          renderModels(await api('console/api/models'));
        } catch (e) {
          $('models-error').textContent = e.message;
          $('models-error').hidden = false;
        }
      }
      document.body.dataset.updates = String(Number(document.body.dataset.updates) + 1);
      document.body.dataset.lastUpdate = o.time;
      live(true, `live · ${fmt.time(o.time)}`);
    } catch (e) {
      live(false, `offline: ${e.message}`);
    } finally {
      // One refresh at a time, the next a second after this one ended: at most once a second
      // (sooner only when the operator navigated or acted meanwhile).
      state.inFlight = false;
      state.timer = setTimeout(refresh, state.again ? 0 : 1000);
      state.again = false;
    }
  }

  async function refreshRequests() {
    const f = state.filters;
    const q = new URLSearchParams({ kind: f.kind, limit: '100' });
    if (f.model) q.set('model', f.model);
    if (f.outcome) q.set('outcome', f.outcome);
    try {
      const list = await api(`console/api/requests?${q}`);
      renderRequests(list);
      const selected = f.id ? list.requests.find((r) => r.request_id === f.id) : null;
      if (f.id && !selected) {
        try {
          renderDetail((await api(`console/api/requests/${encodeURIComponent(f.id)}`)).request);
        } catch (e) {
          renderDetail(null);
        }
      } else {
        renderDetail(selected);
      }
    } catch (e) {
      $('requests-error').textContent = e.message;
      $('requests-error').hidden = false;
      $('request-table').tBodies[0].replaceChildren();
    }
  }

  function start() {
    readHash();
    window.addEventListener('hashchange', () => {
      readHash();
      state.modelsFetchedAt = 0;
      refresh();
    });
    for (const id of ['f-kind', 'f-model', 'f-outcome']) {
      $(id).addEventListener('change', () => {
        location.hash = requestsHash({ kind: $('f-kind').value, model: $('f-model').value, outcome: $('f-outcome').value, id: '' });
      });
    }
    $('token-form').addEventListener('submit', (e) => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
      $('token').value = '';
      $('token-form').hidden = true;
      refresh();
    });
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden) refresh();
    });
    refresh();
  }

  start();
})();
