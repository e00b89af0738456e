'use strict';
// The hub's pages: plain DOM over the JSON API (no inline script; text is set as text, never as HTML).
const state = { me: null, options: null, filters: {}, page: 0, pageSize: 25 };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'on') { for (const [ev, fn] of Object.entries(v)) node.addEventListener(ev, fn); }
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function api(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.me) headers['X-CSRF-Token'] = state.me.csrf;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({ error: 'no answer' }));
  if (res.status === 401 && path !== '/api/login') { state.me = null; location.hash = '#/login'; }
  if (!res.ok) { const e = new Error(data.error || res.statusText); e.status = res.status; throw e; }
  return data;
}

function show(...nodes) { const main = document.getElementById('main'); main.replaceChildren(...nodes.filter(n => n !== null && n !== undefined)); }
function fail(e) { show(el('p', { class: 'error' }, e.message)); }
const label = s => String(s).replaceAll('_', ' ');

function chrome() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  const logout = document.getElementById('logout');
  nav.hidden = !state.me; logout.hidden = !state.me;
  who.textContent = state.me ? `${state.me.name} · ${label(state.me.role)}` : '';
  for (const a of nav.querySelectorAll('a')) {
    a.hidden = !state.me || !a.dataset.roles.split(' ').includes(state.me.role);
    a.classList.toggle('active', location.hash.startsWith(a.getAttribute('href')));
  }
}

function home() {
  return { reviewer: '#/queue', coordinator: '#/queue', auditor: '#/audit', data_scientist: '#/labels' }[state.me.role];
}

function loginPage() {
  const name = el('input', { id: 'name', name: 'name', autocomplete: 'username', required: true });
  const password = el('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const message = el('p', { class: 'error', id: 'login-error' });
  const form = el('form', { on: { submit: async ev => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/login', { name: name.value, password: password.value });
      state.me = { name: r.name, role: r.role, csrf: r.csrf };
      location.hash = home();
    } catch (e) { message.textContent = e.message; }
  } } },
    el('label', {}, 'Name', name), el('label', {}, 'Password', password), el('button', { type: 'submit', id: 'login' }, 'Log in'), message);
  show(el('div', { class: 'card login' }, el('h1', {}, 'Log in'), form,
    el('p', { class: 'muted' }, 'Your logins, the lists you open and every signal you view are recorded in the access audit.')));
}

function select(id, labelText, values, current, names) {
  const s = el('select', { id, name: id }, el('option', { value: '' }, 'any'));
  for (const v of values) s.append(el('option', { value: v, selected: String(v) === String(current ?? '') }, names ? names(v) : label(v)));
  return el('label', {}, labelText, s);
}

async function queuePage() {
  if (!state.options) state.options = await api('GET', '/api/options');
  const o = state.options, f = state.filters;
  const gemeenten = Object.keys(o.gemeenten);
  const wijken = f.gemeente ? Object.keys(o.gemeenten[f.gemeente]?.wijken || {}) : [];
  const form = el('form', { class: 'filters', id: 'filters', on: { change: ev => {
    const data = new FormData(form);
    state.filters = Object.fromEntries([...data.entries()].filter(([, v]) => v !== ''));
    if (ev.target.name === 'gemeente') delete state.filters.wijk;
    state.page = 0; queuePage().catch(fail);
  } } },
    select('as_of', 'Reference date', o.as_of, f.as_of || o.as_of[0], v => v),
    select('rule_id', 'Rule', o.rules, f.rule_id),
    select('gemeente', 'Municipality', gemeenten, f.gemeente, v => o.gemeenten[v].name),
    select('wijk', 'District', wijken, f.wijk, v => o.gemeenten[f.gemeente].wijken[v]),
    select('severity', 'Severity', [3, 2, 1], f.severity, v => String(v)),
    select('status', 'Status', o.statuses, f.status),
    el('label', {}, 'Order', el('select', { id: 'sort', name: 'sort' },
      el('option', { value: '' }, 'priority, then severity'),
      el('option', { value: 'dossier', selected: f.sort === 'dossier' }, 'most open signals in the dossier'))));
  if (f.buurt_code) form.append(el('label', {}, 'Neighbourhood', el('span', {}, f.buurt_code + ' ',
    el('button', { type: 'button', class: 'secondary', on: { click: () => { delete state.filters.buurt_code; queuePage().catch(fail); } } }, '×'))));
  const params = new URLSearchParams({ ...f, limit: state.pageSize, offset: state.page * state.pageSize });
  const data = await api('GET', '/api/signals?' + params);
  const counts = el('p', { class: 'counts', id: 'counts' }, ...Object.entries(data.counts).map(([k, v]) => el('span', {}, el('span', { class: 'badge ' + k }, label(k)), ' ', v)));
  const rows = data.items.map(s => el('tr', { class: 'row', 'data-id': s.signal_id, on: { click: () => { location.hash = '#/signal/' + s.signal_id; } } },
    el('td', {}, s.priority === null ? '–' : s.priority.toFixed(2)),
    el('td', { class: 'sev' + s.severity }, s.severity),
    el('td', {}, s.rule_id),
    el('td', {}, `${label(s.subject_type)} ${s.subject_id.length > 20 ? s.subject_id.slice(0, 12) + '…' : s.subject_id}`),
    el('td', {}, s.buurt_name ? `${s.buurt_name} (${s.gemeente_name})` : '–'),
    el('td', {}, s.rule_id === 'MELDING' ? 'melding' : s.consecutive > 1 ? `${s.consecutive} dates in a row` : 'first time'),
    el('td', { class: 'dossier-open' }, s.dossier_open > 0 ? el('a', { href: `#/subjects/${s.subject_type}/${encodeURIComponent(s.subject_id)}`,
      title: 'open signals on this subject and the subjects within two links of it',
      on: { click: ev => ev.stopPropagation() } }, `+${s.dossier_open} linked`) : '–'),
    el('td', {}, el('span', { class: 'badge ' + s.status }, label(s.status)))));
  const pages = Math.max(1, Math.ceil(data.total / state.pageSize));
  const pager = el('div', { class: 'pager' },
    el('button', { type: 'button', class: 'secondary', disabled: state.page === 0, on: { click: () => { state.page--; queuePage().catch(fail); } } }, '‹ previous'),
    el('span', {}, `page ${state.page + 1} of ${pages} · ${data.total} signals`),
    el('button', { type: 'button', class: 'secondary', disabled: state.page + 1 >= pages, on: { click: () => { state.page++; queuePage().catch(fail); } } }, 'next ›'));
  show(el('h1', {}, `Signals of ${data.as_of ?? '–'}`), el('div', { class: 'card' }, form), counts,
    el('table', { id: 'queue' }, el('thead', {}, el('tr', {}, ['Priority', 'Severity', 'Rule', 'Subject', 'Neighbourhood', 'History', 'Dossier', 'Status'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No signals match these filters.')))),
    pager);
}

async function signalPage(id) {
  if (!state.options) state.options = await api('GET', '/api/options');
  const s = await api('GET', '/api/signals/' + encodeURIComponent(id));
  const latest = s.history.length ? s.history[s.history.length - 1] : null;
  const facts = el('ul', { class: 'facts', id: 'facts' }, s.facts.map(f => el('li', {}, f)));
  const buurt = el('div', { class: 'card' }, el('h2', {}, 'The neighbourhood'),
    el('p', {}, `${s.buurt.name ?? '?'} (${s.buurt.code ?? '–'}), ${s.buurt.wijk ?? ''}, ${s.buurt.gemeente ?? ''}`),
    ...s.buurt.scores.map(t => el('p', {}, el('strong', {}, label(t.theme)), `: score ${t.score}, rank ${t.rank}${t.flagged ? ' (flagged)' : ''}`,
      el('br'), el('span', { class: 'muted' }, 'largest contributions: ' + t.contributions.map(c => `${label(c.indicator_id)} ${c.contribution}`).join('; ')))));
  const history = el('div', { class: 'card' }, el('h2', {}, 'Decisions'),
    s.history.length ? el('ol', { id: 'history' }, s.history.map(e => el('li', {},
      el('span', { class: 'badge ' + e.status }, label(e.status)), ` by ${e.reviewer} (${label(e.role)}) on ${e.decided_at.replace('T', ' ').slice(0, 16)}`,
      e.reason_code ? ` · ${label(e.reason_code)}` : '', e.outcome_code ? ` · ${label(e.outcome_code)}` : '',
      e.partner ? (e.status === 'outcome' ? ` · from ${e.partner}` : ` · to ${e.partner}`) : '', e.note ? el('div', { class: 'muted' }, e.note) : null)))
      : el('p', { class: 'muted', id: 'history' }, 'No decision yet.'));
  show(el('p', {}, el('a', { href: '#/queue' }, '‹ back to the signals'), ' · ',
      el('a', { href: `#/subjects/${s.subject_type}/${encodeURIComponent(s.subject_id)}`, id: 'open-dossier' },
        `Open the dossier of this ${label(s.subject_type)} (facts, links, other signals)`)),
    el('h1', {}, `${s.rule_id} · ${label(s.subject_type)} ${s.subject_id}`),
    el('p', { class: 'muted' }, `Reference date ${s.as_of} · severity ${s.severity} · status `, el('span', { class: 'badge ' + s.status, id: 'status' }, label(s.status)),
      s.earlier_as_of.length ? ` · also raised on ${s.earlier_as_of.join(', ')}` : ''),
    el('div', { class: 'grid' }, el('div', {}, el('div', { class: 'card' }, el('h2', {}, s.rule_id === 'MELDING' ? 'The melding' : 'Why this signal fired'), facts), decisionForm(s, latest)),
      el('div', {}, buurt, history)));
}

function decisionForm(s, latest) {
  const o = state.options;
  const message = el('p', { id: 'decision-message' });
  const status = el('select', { id: 'decision-status', name: 'status' });
  const choices = ['in_review', 'confirmed', 'dismissed', 'forward_proposed'];
  if (state.me.role === 'coordinator' && latest && latest.status === 'forward_proposed' && latest.reviewer !== state.me.name) {
    choices.unshift('forwarded', 'forward_rejected');
  }
  const wasForwarded = s.history.some(e => e.status === 'forwarded');
  if (wasForwarded) choices.unshift('outcome');
  for (const c of choices) status.append(el('option', { value: c }, label(c)));
  const reason = el('select', { id: 'decision-reason', name: 'reason_code' });
  const outcome = el('select', { id: 'decision-outcome', name: 'outcome_code' }, o.outcome_codes.map(c => el('option', { value: c }, label(c))));
  const outcomeLabel = el('label', {}, "The partner's outcome", outcome);
  const partner = el('select', { id: 'decision-partner', name: 'partner' }, o.partners.map(p => el('option', { value: p }, label(p))));
  const reasonLabel = el('label', {}, 'Reason', reason), partnerLabel = el('label', {}, 'Partner', partner);
  const note = el('textarea', { id: 'decision-note', name: 'note', rows: 3, maxlength: 2000, placeholder: 'Optional. Write facts, not opinions about persons.' });
  const sync = () => {
    const codes = o.reason_codes[status.value] || [];
    reason.replaceChildren(...codes.map(c => el('option', { value: c }, label(c))));
    reasonLabel.hidden = codes.length === 0;
    partnerLabel.hidden = status.value !== 'forward_proposed';
    outcomeLabel.hidden = status.value !== 'outcome';
  };
  status.addEventListener('change', sync); sync();
  const form = el('form', { class: 'card', id: 'decide', on: { submit: async ev => {
    ev.preventDefault();
    const body = { status: status.value, based_on: latest ? latest.event_id : null, note: note.value || null };
    if (!reasonLabel.hidden) body.reason_code = reason.value;
    if (!partnerLabel.hidden) body.partner = partner.value;
    if (!outcomeLabel.hidden) body.outcome_code = outcome.value;
    try { await api('POST', `/api/signals/${encodeURIComponent(s.signal_id)}/decisions`, body); await signalPage(s.signal_id); }
    catch (e) { message.className = 'error'; message.textContent = e.status === 409 ? 'Someone decided on this signal meanwhile: the page now shows their decision.' : e.message;
      if (e.status === 409) setTimeout(() => signalPage(s.signal_id).catch(fail), 1500); }
  } } }, el('h2', {}, 'Your decision'), el('label', {}, 'Decision', status), reasonLabel, partnerLabel, outcomeLabel, el('label', {}, 'Note', note),
    el('button', { type: 'submit', id: 'decide-submit' }, 'Record decision'), message,
    el('p', { class: 'muted' }, 'Forwarding to a partner is proposed here and approved or rejected by a coordinator other than you.'));
  return form;
}

const COLOURS = ['#f1eef6', '#d0d1e6', '#a6bddb', '#74a9cf', '#2b8cbe', '#045a8d'];

async function mapPage() {
  if (!state.options) state.options = await api('GET', '/api/options');
  const theme = state.theme || 'undermining';
  const data = await api('GET', `/api/map?theme=${theme}&as_of=${state.filters.as_of || ''}&areas=${encodeURIComponent(state.mapAreas || '')}`);
  const ownAreas = data.areas === data.default_areas;
  const byCode = Object.fromEntries(data.buurten.map(b => [b.code, b]));
  const features = (data.geometry.features || []).filter(ft => byCode[ft.properties.buurt_code]
    && (!state.mapGemeente || byCode[ft.properties.buurt_code].gemeente === state.mapGemeente));
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  const rings = ft => ft.geometry.type === 'Polygon' ? [ft.geometry.coordinates] : ft.geometry.coordinates;
  for (const ft of features) for (const poly of rings(ft)) for (const ring of poly) for (const [x, y] of ring) {
    minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
  }
  const k = Math.cos(((minY + maxY) / 2) * Math.PI / 180) || 1;
  const width = 900, scale = width / ((maxX - minX) * k || 1), height = Math.max(200, (maxY - minY) * scale);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`); svg.setAttribute('width', width); svg.setAttribute('height', height);
  const scores = data.buurten.filter(b => !state.mapGemeente || b.gemeente === state.mapGemeente).map(b => b.score).filter(v => v !== null);
  const lo = Math.min(...scores, 0), hi = Math.max(...scores, 1);
  const colour = v => v === null ? '#eeeeee' : COLOURS[Math.min(COLOURS.length - 1, Math.floor((v - lo) / ((hi - lo) || 1) * COLOURS.length))];
  for (const ft of features) {
    const b = byCode[ft.properties.buurt_code];
    const d = rings(ft).map(poly => poly.map(ring => 'M' + ring.map(([x, y]) => `${((x - minX) * k * scale).toFixed(1)},${((maxY - y) * scale).toFixed(1)}`).join('L') + 'Z').join('')).join('');
    const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', d); path.setAttribute('fill', colour(b.score)); path.setAttribute('data-code', b.code);
    const title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
    title.textContent = `${b.name} (${b.gemeente}): score ${b.score ?? '–'}` + (ownAreas ? `, ${b.signals} signals` : '');
    path.append(title);
    if (ownAreas) path.addEventListener('click', () => { state.filters = { buurt_code: b.code }; state.page = 0; location.hash = '#/queue'; });
    svg.append(path);
  }
  const gemeenten = [...new Set(data.buurten.map(b => b.gemeente))].sort();
  const gemeenteFilter = el('label', {}, 'Municipality', el('select', { id: 'map-gemeente', on: { change: ev => { state.mapGemeente = ev.target.value; mapPage().catch(fail); } } },
    el('option', { value: '' }, 'all'), gemeenten.map(g => el('option', { value: g, selected: g === state.mapGemeente }, g))));
  const themes = el('label', {}, 'Theme', el('select', { id: 'theme', on: { change: ev => { state.theme = ev.target.value; mapPage().catch(fail); } } },
    ['undermining', 'care_stacking'].map(t => el('option', { value: t, selected: t === theme }, label(t)))));
  const classifications = el('label', {}, 'Areas', el('select', { id: 'map-areas', on: { change: ev => { state.mapAreas = ev.target.value; state.mapGemeente = ''; mapPage().catch(fail); } } },
    data.classifications.map(a => el('option', { value: a, selected: a === data.areas }, a))));
  const legend = el('p', { class: 'legend' }, `score ${lo.toFixed(1)} `, COLOURS.map(c => { const s = el('span'); s.style.background = c; return s; }), ` ${hi.toFixed(1)} · grey: no score`);
  show(el('h1', {}, `Neighbourhoods by ${label(theme)} score, ${data.as_of ?? ''}`), el('div', { class: 'card' }, el('div', { class: 'filters' }, themes, classifications, gemeenteFilter), legend),
    el('div', { id: 'map' }, svg), el('p', { class: 'muted' }, ownAreas ? 'Click a neighbourhood to see its signals. The map shows neighbourhoods only, never addresses.'
      : `Scores in the areas of ${data.areas}. Signals carry their CBS buurt: choose ${data.default_areas} to click through to them. The map shows areas only, never addresses.`));
}

async function auditPage() {
  const from = state.auditFrom || new Date(Date.now() - 7 * 864e5).toISOString().slice(0, 10);
  const rows = await api('GET', '/api/audit/access?from=' + from);
  const input = el('input', { type: 'date', id: 'audit-from', value: from, on: { change: ev => { state.auditFrom = ev.target.value; auditPage().catch(fail); } } });
  show(el('h1', {}, 'Who saw what, and when'), el('div', { class: 'card' }, el('label', {}, 'From', input)),
    el('table', { id: 'access' }, el('thead', {}, el('tr', {}, ['When (UTC)', 'User', 'Role', 'Action', 'Signal', 'Detail'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.slice().reverse().map(r => el('tr', {}, el('td', {}, r.at.replace('T', ' ').slice(0, 19)), el('td', {}, r.user ?? ''), el('td', {}, r.role ? label(r.role) : ''),
        el('td', {}, label(r.action)), el('td', {}, r.signal_id ?? ''), el('td', { class: 'muted' }, r.detail ?? ''))))));
}

async function decisionsPage() {
  const rows = await api('GET', '/api/audit/review');
  show(el('h1', {}, 'Every decision (hub.review)'),
    el('table', { id: 'review' }, el('thead', {}, el('tr', {}, ['When (UTC)', 'Signal', 'Rule', 'Status', 'By', 'Reason or outcome', 'Partner'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.slice().reverse().map(e => el('tr', {}, el('td', {}, e.decided_at.replace('T', ' ').slice(0, 19)), el('td', {}, e.signal_id),
        el('td', {}, e.control ? el('span', { class: 'badge control' }, 'control sample') : (e.rule_id ?? '')),
        el('td', {}, label(e.status)), el('td', {}, `${e.reviewer} (${label(e.role)})`),
        el('td', {}, e.reason_code ? label(e.reason_code) : e.outcome_code ? label(e.outcome_code) : ''), el('td', {}, e.partner ?? ''))))),
    el('p', { class: 'muted' }, 'Control-sample items are random addresses no rule raised; reviewers see them as address checks, not as controls.'));
}

async function labelsPage() {
  const rows = await api('GET', '/api/labels');
  show(el('h1', {}, 'Labels: the final decision per signal'), el('p', { class: 'muted' }, "For models: a selected sample, not a random one (the hub sees only what the rules raised). A partner's outcome after forwarding overrides the hub's own decision."),
    el('table', { id: 'labels' }, el('thead', {}, el('tr', {}, ['Signal', 'Reference date', 'Rule', 'Label', 'From', 'Status', 'Reason or outcome', 'Decided'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.map(l => el('tr', {}, el('td', {}, l.signal_id), el('td', {}, l.as_of ?? ''), el('td', {}, l.rule_id ?? ''), el('td', {}, l.label),
        el('td', {}, l.label_source === 'outcome' ? "partner's outcome" : "hub's decision"), el('td', {}, label(l.status)),
        el('td', {}, l.reason_code ? label(l.reason_code) : l.outcome_code ? label(l.outcome_code) : ''), el('td', {}, l.decided_at.slice(0, 10)))))));
}

const SVG = 'http://www.w3.org/2000/svg';
function svgEl(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) node.setAttribute(k, v);
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// The subjects within two links, drawn as rings around the subject: links first, then the nodes on top.
function networkSvg(d) {
  const width = 760, height = 620, cx = width / 2, cy = height / 2, rings = [0, 150, 280];
  const pos = {};
  const key = n => `${n.type}|${n.id}`;
  const byDistance = [[], [], []];
  for (const n of d.nodes) byDistance[n.distance].push(n);
  byDistance[1].forEach((n, i) => { const a = 2 * Math.PI * i / Math.max(1, byDistance[1].length) - Math.PI / 2; pos[key(n)] = [cx + rings[1] * Math.cos(a), cy + rings[1] * Math.sin(a), a]; });
  pos[key(byDistance[0][0])] = [cx, cy, 0];
  // a node two links away sits near the first node that links it in
  const parentAngle = n => {
    for (const l of d.links) {
      const from = `${l.from_type}|${l.from_id}`, to = `${l.to_type}|${l.to_id}`;
      if (to === key(n) && pos[from] && byDistance[1].some(m => key(m) === from)) return pos[from][2];
      if (from === key(n) && pos[to] && byDistance[1].some(m => key(m) === to)) return pos[to][2];
    }
    return 0;
  };
  // each ring-1 node's subjects fan out around its own angle, so that links do not cross the middle
  const children = {};
  for (const n of byDistance[2]) { const a = parentAngle(n); (children[a] = children[a] || []).push(n); }
  const step = Math.min(0.3, 2 * Math.PI / Math.max(1, byDistance[2].length));
  for (const [a, list] of Object.entries(children)) {
    list.forEach((n, j) => {
      const angle = Number(a) + (j - (list.length - 1) / 2) * step;
      pos[key(n)] = [cx + rings[2] * Math.cos(angle), cy + rings[2] * Math.sin(angle), angle];
    });
  }
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, id: 'network', role: 'img',
    'aria-label': `network of ${d.nodes.length} subjects within two links` });
  for (const r of rings.slice(1)) svg.append(svgEl('circle', { cx, cy, r, class: 'ring' }));
  for (const l of d.links) {
    const a = pos[`${l.from_type}|${l.from_id}`], b = pos[`${l.to_type}|${l.to_id}`];
    if (!a || !b) continue;
    svg.append(svgEl('line', { x1: a[0], y1: a[1], x2: b[0], y2: b[1], class: 'link ' + l.link },
      svgEl('title', {}, `${label(l.link)}${l.since ? ' since ' + l.since : ''}`)));
  }
  const shapes = { address: 'rect', company: 'polygon', object: 'polygon', person: 'circle' };
  for (const n of d.nodes) {
    const [x, y] = pos[key(n)];
    const g = svgEl('g', { class: `node ${n.type}${n.open_signals > 0 ? ' open' : ''}${n.distance === 0 ? ' centre' : ''}`,
      transform: `translate(${x.toFixed(1)},${y.toFixed(1)})`, 'data-type': n.type, 'data-id': n.id, tabindex: 0 });
    const shape = shapes[n.type];
    if (shape === 'rect') g.append(svgEl('rect', { x: -9, y: -9, width: 18, height: 18 }));
    else if (shape === 'circle') g.append(svgEl('circle', { r: 9 }));
    else if (n.type === 'company') g.append(svgEl('polygon', { points: '0,-11 11,0 0,11 -11,0' }));
    else g.append(svgEl('polygon', { points: '0,-11 10,8 -10,8' }));
    if (n.open_signals > 0) g.append(svgEl('text', { class: 'count', x: 12, y: -8 }, String(n.open_signals)));
    if (n.distance < 2 || n.open_signals > 0) g.append(svgEl('text', { class: 'name', x: 0, y: 24 }, n.type === 'person' ? n.label : n.id));
    g.append(svgEl('title', {}, `${n.label}${n.open_signals ? `: ${n.open_signals} open signal(s) (${n.rules.join(', ')})` : ''} · click to open its dossier`));
    const open = () => { location.hash = `#/subjects/${n.type}/${encodeURIComponent(n.id)}`; };
    g.addEventListener('click', open);
    g.addEventListener('keydown', ev => { if (ev.key === 'Enter') open(); });
    svg.append(g);
  }
  return svg;
}

function signalRows(items, id) {
  return el('table', { id }, el('thead', {}, el('tr', {}, ['Date', 'Rule', 'Subject', 'Severity', 'Status'].map(h => el('th', {}, h)))),
    el('tbody', {}, items.length ? items.map(s => el('tr', { class: 'row', on: { click: () => { location.hash = '#/signal/' + s.signal_id; } } },
      el('td', {}, s.as_of), el('td', {}, s.rule_id), el('td', {}, s.subject_type === 'person' ? 'a person' : `${label(s.subject_type)} ${s.subject_id}`),
      el('td', { class: 'sev' + s.severity }, s.severity), el('td', {}, el('span', { class: 'badge ' + s.status }, label(s.status)))))
      : el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'None.'))));
}

async function dossierPage(type, id) {
  const d = await api('GET', `/api/subjects/${encodeURIComponent(type)}/${encodeURIComponent(id)}`);
  const sub = d.subject;
  const where = sub.buurt_name ? ` in ${sub.buurt_name} (${sub.gemeente_name})` : '';
  const title = type === 'person' ? 'A person' : `${label(type)} ${id}`;
  const facts = el('table', { id: 'dossier-facts' }, el('thead', {}, el('tr', {}, ['Fact', 'Value', 'From'].map(h => el('th', {}, h)))),
    el('tbody', {}, d.facts.length ? d.facts.map(f => el('tr', {}, el('td', {}, f.name), el('td', {}, f.value ?? '–'),
      el('td', { class: 'muted small', title: f.delivery ? `delivery ${f.delivery}, in the lake since ${f.delivered_on}` : '' },
        f.source.replace('bronze.', ''), f.delivery ? el('br') : null, f.delivery ? `delivery ${f.delivery}` : '')))
      : el('tr', {}, el('td', { colspan: 3, class: 'muted' }, 'No facts in the lake.'))));
  const meldingen = d.meldingen.length ? el('ul', { id: 'dossier-meldingen' }, d.meldingen.map(m => el('li', {},
    el('a', { href: '#/signal/' + m.signal_id }, `${m.observed_on}, ${label(m.source)} (${m.reliability}${m.credibility})`), ` registered by ${m.registered_by}: `, m.text, ' ',
    el('span', { class: 'badge ' + m.status }, label(m.status)))))
    : el('p', { class: 'muted', id: 'dossier-meldingen' }, 'No meldingen on this subject.');
  const cut = d.cut.omitted > 0 || d.cut.beyond_two_links
    ? el('p', { class: 'muted', id: 'network-cut' }, [d.cut.omitted > 0 ? `${d.cut.omitted} more subjects within two links are not shown (at most ${d.cut.max_nodes}).` : '',
      d.cut.beyond_two_links ? ' Subjects further than two links away are not shown: open a linked subject\'s dossier to go further.' : ''].join(''))
    : null;
  const pseudonym = type === 'person' ? el('p', {}, el('button', { type: 'button', class: 'secondary', id: 'show-pseudonym', on: { click: ev => {
    ev.target.replaceWith(el('code', { id: 'pseudonym' }, id)); } } }, 'Show the pseudonym')) : null;
  const melding = type !== 'person' ? el('a', { href: `#/melding?type=${type}&id=${encodeURIComponent(id)}`, id: 'new-melding' }, 'Register a melding on this subject') : null;
  show(el('p', {}, el('a', { href: '#/queue' }, '‹ back to the signals')),
    el('h1', {}, `Dossier · ${title}${where}`),
    el('p', { class: 'muted' }, `What the lake knows on ${d.as_of ?? '–'}: registries only (BAG, BRP, HR, BRK, WOZ, enforcement), never care data. A dossier is always current.`),
    pseudonym, melding ? el('p', {}, melding) : null,
    el('div', { class: 'grid dossier' },
      el('div', {}, el('div', { class: 'card' }, el('h2', {}, `Network: ${d.nodes.length} subjects within two links`),
        el('p', { class: 'legend-net muted' }, '■ address · ◆ company · ▲ object · ● person (pseudonymised) · red: open signals (count). Click a subject to open its dossier.'),
        networkSvg(d), cut),
        el('div', { class: 'card' }, el('h2', {}, 'Signals on linked subjects'), signalRows(d.linked_signals, 'linked-signals'))),
      el('div', {}, el('div', { class: 'card' }, el('h2', {}, 'Facts'), facts),
        el('div', { class: 'card' }, el('h2', {}, 'Signals on this subject (every date)'), signalRows(d.signals, 'dossier-signals')),
        el('div', { class: 'card' }, el('h2', {}, 'Meldingen'), meldingen))));
}

async function meldingPage(params) {
  if (!state.options) state.options = await api('GET', '/api/options');
  const o = state.options;
  const message = el('p', { id: 'melding-message' });
  const sel = (id, values, names) => el('select', { id, name: id }, values.map(v => el('option', { value: v }, names ? names(v) : v)));
  const source = sel('source', o.melding_sources, label);
  const reliability = sel('reliability', o.reliability, v => ({ A: 'A: completely reliable', B: 'B: usually reliable', C: 'C: fairly reliable', D: 'D: unknown / not reliable' })[v] || v);
  const credibility = sel('credibility', o.credibility, v => ({ 1: '1: confirmed', 2: '2: probably true', 3: '3: possibly true', 4: '4: cannot be judged' })[v] || v);
  const type = sel('subject_type', o.subject_types, label);
  if (params.get('type')) type.value = params.get('type');
  const list = el('datalist', { id: 'subject-ids' });
  const subject = el('input', { id: 'subject_id', name: 'subject_id', list: 'subject-ids', required: true, value: params.get('id') || '',
    placeholder: 'type the first digits and pick', autocomplete: 'off', inputmode: 'numeric' });
  subject.addEventListener('input', async () => {
    if (subject.value.length < 4) return;
    try { const ids = await api('GET', `/api/subjects?type=${type.value}&q=${encodeURIComponent(subject.value)}`);
      list.replaceChildren(...ids.map(v => el('option', { value: v }))); } catch (e) { list.replaceChildren(); }
  });
  const observed = el('input', { id: 'observed_on', name: 'observed_on', type: 'date', required: true, value: new Date().toISOString().slice(0, 10) });
  const text = el('textarea', { id: 'text', name: 'text', rows: 5, maxlength: 2000, required: true,
    placeholder: 'What was observed, by whom (a role, not a name), when. Never a BSN: persons are found through the address or company.' });
  const form = el('form', { class: 'card', id: 'melding', on: { submit: async ev => {
    ev.preventDefault();
    try {
      const r = await api('POST', '/api/meldingen', { source: source.value, reliability: reliability.value, credibility: credibility.value,
        subject_type: type.value, subject_id: subject.value.trim(), observed_on: observed.value, text: text.value });
      location.hash = '#/signal/' + r.signal_id;
    } catch (e) { message.className = 'error'; message.textContent = e.message; }
  } } },
    el('div', { class: 'filters' }, el('label', {}, 'Source', source), el('label', {}, "Source's reliability", reliability),
      el('label', {}, "Information's credibility", credibility)),
    el('div', { class: 'filters' }, el('label', {}, 'Subject', type), el('label', {}, 'Its id in the lake', subject, list),
      el('label', {}, 'Observed on', observed)),
    el('label', {}, 'What was observed', text),
    el('button', { type: 'submit', id: 'melding-submit' }, 'Register the melding'), message);
  show(el('h1', {}, 'Register a melding'),
    el('p', { class: 'muted' }, 'A signal from outside the rules: the street, a partner, a citizen. It enters the queue as a signal and is reviewed like any other, with four eyes on forwarding. Its subject is an address, object or company from the lake, never a person.'),
    form);
}

async function overduePage() {
  if (!state.options) state.options = await api('GET', '/api/options');
  const days = state.options.deadlines;
  const rows = await api('GET', '/api/overdue');
  show(el('h1', {}, 'Forwarded signals waiting for a partner'),
    el('p', { class: 'muted' }, `A partner's first status is due ${days.first_status_days} days after forwarding, its outcome ${days.outcome_days} days after (configuration hub.deadlines). Record it on the signal's page as an outcome.`),
    el('table', { id: 'overdue' }, el('thead', {}, el('tr', {}, ['Signal', 'Rule', 'Partner', 'Forwarded', 'Due', 'Missing', 'Days late'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.length ? rows.map(r => el('tr', { class: 'row', on: { click: () => { location.hash = '#/signal/' + r.signal_id; } } },
        el('td', {}, r.signal_id), el('td', {}, r.rule_id ?? ''), el('td', {}, r.partner ?? ''), el('td', {}, r.forwarded_at.slice(0, 10)),
        el('td', {}, r.due), el('td', {}, r.kind === 'status' ? 'a first status' : 'the final outcome'), el('td', { class: 'sev3' }, r.days_late)))
        : el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'Nothing is overdue.')))));
}

async function precisionPage() {
  const f = state.precision || {};
  const q = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
  const rows = await api('GET', '/api/precision?' + q);
  const pct = v => v === null || v === undefined ? '–' : (100 * v).toFixed(0) + ' %';
  const input = name => el('input', { type: 'date', id: 'precision-' + name, value: f[name] || '', on: { change: ev => {
    state.precision = { ...f, [name]: ev.target.value }; precisionPage().catch(fail); } } });
  const control = rows.find(r => r.rule_id === 'CONTROL');
  show(el('h1', {}, 'How good is each rule?'),
    el('div', { class: 'card' }, el('div', { class: 'filters' }, el('label', {}, 'Reference dates from', input('from')), el('label', {}, 'to', input('to')))),
    el('table', { id: 'precision' }, el('thead', {}, el('tr', {}, ['Rule', 'Reviewed', 'Confirmed', 'Dismissed', 'Precision', '95 % interval', 'Lift over the control sample'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.map(r => el('tr', { class: r.rule_id === 'CONTROL' ? 'control' : '' },
        el('td', {}, r.rule_id === 'CONTROL' ? 'CONTROL (random addresses without a signal)' : r.rule_id), el('td', {}, r.reviewed), el('td', {}, r.confirmed), el('td', {}, r.dismissed),
        el('td', {}, pct(r.precision)), el('td', {}, r.precision_low === null ? '–' : `${pct(r.precision_low)} – ${pct(r.precision_high)}`),
        el('td', {}, r.lift === null ? '–' : r.lift.toFixed(1) + '×'))))),
    el('p', { class: 'muted' }, `Precision: the share of a rule's reviewed signals that were confirmed, or found by the partner (an outcome overrides the hub's decision). `
      + `The interval is Wilson's: wide while few are reviewed. Lift divides precision by the confirmation rate of the blind control sample (${control ? pct(control.precision) : '–'}): `
      + 'above 1, the rule finds more than chance would.'));
}

async function route() {
  try {
    if (!state.me) {
      try { state.me = await api('GET', '/api/me'); } catch (e) { state.me = null; }
    }
    chrome();
    const hash = location.hash || '#/';
    if (!state.me) { if (hash !== '#/login') { location.hash = '#/login'; return; } return loginPage(); }
    if (hash === '#/login' || hash === '#/') { location.hash = home(); return; }
    if (hash.startsWith('#/signal/')) return await signalPage(decodeURIComponent(hash.slice(9)));
    if (hash === '#/queue') return await queuePage();
    if (hash === '#/map') return await mapPage();
    if (hash === '#/audit') return await auditPage();
    if (hash === '#/decisions') return await decisionsPage();
    if (hash === '#/labels') return await labelsPage();
    if (hash.startsWith('#/subjects/')) {
      const [type, ...rest] = hash.slice(11).split('/');
      return await dossierPage(type, decodeURIComponent(rest.join('/')));
    }
    if (hash.startsWith('#/melding')) return await meldingPage(new URLSearchParams(hash.split('?')[1] || ''));
    if (hash === '#/overdue') return await overduePage();
    if (hash === '#/precision') return await precisionPage();
    show(el('p', {}, 'Unknown page.'));
  } catch (e) { fail(e); }
}

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } finally { state.me = null; state.options = null; location.hash = '#/login'; chrome(); }
});
window.addEventListener('hashchange', route);
route();
