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

function show(...nodes) { const main = document.getElementById('main'); main.replaceChildren(...nodes); }
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
    select('status', 'Status', o.statuses, f.status));
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
    el('td', {}, s.consecutive > 1 ? `${s.consecutive} dates in a row` : 'first time'),
    el('td', {}, el('span', { class: 'badge ' + s.status }, label(s.status)))));
  const pages = Math.max(1, Math.ceil(data.total / state.pageSize));
  const pager = el('div', { class: 'pager' },
    el('button', { type: 'button', class: 'secondary', disabled: state.page === 0, on: { click: () => { state.page--; queuePage().catch(fail); } } }, '‹ previous'),
    el('span', {}, `page ${state.page + 1} of ${pages} · ${data.total} signals`),
    el('button', { type: 'button', class: 'secondary', disabled: state.page + 1 >= pages, on: { click: () => { state.page++; queuePage().catch(fail); } } }, 'next ›'));
  show(el('h1', {}, `Signals of ${data.as_of ?? '–'}`), el('div', { class: 'card' }, form), counts,
    el('table', { id: 'queue' }, el('thead', {}, el('tr', {}, ['Priority', 'Severity', 'Rule', 'Subject', 'Neighbourhood', 'History', 'Status'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No signals match these filters.')))),
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
      e.reason_code ? ` · ${label(e.reason_code)}` : '', e.partner ? ` · to ${e.partner}` : '', e.note ? el('div', { class: 'muted' }, e.note) : null)))
      : el('p', { class: 'muted', id: 'history' }, 'No decision yet.'));
  show(el('p', {}, el('a', { href: '#/queue' }, '‹ back to the signals')),
    el('h1', {}, `${s.rule_id} · ${label(s.subject_type)} ${s.subject_id}`),
    el('p', { class: 'muted' }, `Reference date ${s.as_of} · severity ${s.severity} · status `, el('span', { class: 'badge ' + s.status, id: 'status' }, label(s.status)),
      s.earlier_as_of.length ? ` · also raised on ${s.earlier_as_of.join(', ')}` : ''),
    el('div', { class: 'grid' }, el('div', {}, el('div', { class: 'card' }, el('h2', {}, 'Why this signal fired'), facts), decisionForm(s, latest)),
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
  for (const c of choices) status.append(el('option', { value: c }, label(c)));
  const reason = el('select', { id: 'decision-reason', name: 'reason_code' });
  const partner = el('select', { id: 'decision-partner', name: 'partner' }, o.partners.map(p => el('option', { value: p }, label(p))));
  const reasonLabel = el('label', {}, 'Reason', reason), partnerLabel = el('label', {}, 'Partner', partner);
  const note = el('textarea', { id: 'decision-note', name: 'note', rows: 3, maxlength: 2000, placeholder: 'Optional. Write facts, not opinions about persons.' });
  const sync = () => {
    const codes = o.reason_codes[status.value] || [];
    reason.replaceChildren(...codes.map(c => el('option', { value: c }, label(c))));
    reasonLabel.hidden = codes.length === 0;
    partnerLabel.hidden = status.value !== 'forward_proposed';
  };
  status.addEventListener('change', sync); sync();
  const form = el('form', { class: 'card', id: 'decide', on: { submit: async ev => {
    ev.preventDefault();
    const body = { status: status.value, based_on: latest ? latest.event_id : null, note: note.value || null };
    if (!reasonLabel.hidden) body.reason_code = reason.value;
    if (!partnerLabel.hidden) body.partner = partner.value;
    try { await api('POST', `/api/signals/${encodeURIComponent(s.signal_id)}/decisions`, body); await signalPage(s.signal_id); }
    catch (e) { message.className = 'error'; message.textContent = e.status === 409 ? 'Someone decided on this signal meanwhile: the page now shows their decision.' : e.message;
      if (e.status === 409) setTimeout(() => signalPage(s.signal_id).catch(fail), 1500); }
  } } }, el('h2', {}, 'Your decision'), el('label', {}, 'Decision', status), reasonLabel, partnerLabel, el('label', {}, 'Note', note),
    el('button', { type: 'submit', id: 'decide-submit' }, 'Record decision'), message,
    el('p', { class: 'muted' }, 'Forwarding to a partner is proposed here and approved or rejected by a coordinator other than you.'));
  return form;
}

const COLOURS = ['#f1eef6', '#d0d1e6', '#a6bddb', '#74a9cf', '#2b8cbe', '#045a8d'];

async function mapPage() {
  if (!state.options) state.options = await api('GET', '/api/options');
  const theme = state.theme || 'undermining';
  const data = await api('GET', `/api/map?theme=${theme}&as_of=${state.filters.as_of || ''}`);
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
    title.textContent = `${b.name} (${b.gemeente}): score ${b.score ?? '–'}, ${b.signals} signals`;
    path.append(title);
    path.addEventListener('click', () => { state.filters = { buurt_code: b.code }; state.page = 0; location.hash = '#/queue'; });
    svg.append(path);
  }
  const gemeenten = [...new Set(data.buurten.map(b => b.gemeente))].sort();
  const gemeenteFilter = el('label', {}, 'Municipality', el('select', { id: 'map-gemeente', on: { change: ev => { state.mapGemeente = ev.target.value; mapPage().catch(fail); } } },
    el('option', { value: '' }, 'all'), gemeenten.map(g => el('option', { value: g, selected: g === state.mapGemeente }, g))));
  const themes = el('label', {}, 'Theme', el('select', { id: 'theme', on: { change: ev => { state.theme = ev.target.value; mapPage().catch(fail); } } },
    ['undermining', 'care_stacking'].map(t => el('option', { value: t, selected: t === theme }, label(t)))));
  const legend = el('p', { class: 'legend' }, `score ${lo.toFixed(1)} `, COLOURS.map(c => { const s = el('span'); s.style.background = c; return s; }), ` ${hi.toFixed(1)} · grey: no score`);
  show(el('h1', {}, `Neighbourhoods by ${label(theme)} score, ${data.as_of ?? ''}`), el('div', { class: 'card' }, el('div', { class: 'filters' }, themes, gemeenteFilter), legend),
    el('div', { id: 'map' }, svg), el('p', { class: 'muted' }, 'Click a neighbourhood to see its signals. The map shows neighbourhoods only, never addresses.'));
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
    el('table', { id: 'review' }, el('thead', {}, el('tr', {}, ['When (UTC)', 'Signal', 'Status', 'By', 'Reason', 'Partner'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.slice().reverse().map(e => el('tr', {}, el('td', {}, e.decided_at.replace('T', ' ').slice(0, 19)), el('td', {}, e.signal_id),
        el('td', {}, label(e.status)), el('td', {}, `${e.reviewer} (${label(e.role)})`), el('td', {}, e.reason_code ? label(e.reason_code) : ''), el('td', {}, e.partner ?? ''))))));
}

async function labelsPage() {
  const rows = await api('GET', '/api/labels');
  show(el('h1', {}, 'Labels: the final decision per signal'), el('p', { class: 'muted' }, 'For models: a selected sample, not a random one (the hub sees only what the rules raised).'),
    el('table', { id: 'labels' }, el('thead', {}, el('tr', {}, ['Signal', 'Reference date', 'Rule', 'Status', 'Reason', 'Decided'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows.map(l => el('tr', {}, el('td', {}, l.signal_id), el('td', {}, l.as_of ?? ''), el('td', {}, l.rule_id ?? ''), el('td', {}, label(l.status)),
        el('td', {}, l.reason_code ? label(l.reason_code) : ''), el('td', {}, l.decided_at.slice(0, 10)))))));
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
    show(el('p', {}, 'Unknown page.'));
  } catch (e) { fail(e); }
}

document.getElementById('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/logout'); } finally { state.me = null; state.options = null; location.hash = '#/login'; chrome(); }
});
window.addEventListener('hashchange', route);
route();
