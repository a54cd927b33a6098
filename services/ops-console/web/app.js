// The operations console: polls /v1/overview and draws the flow heatmap, the reasons and the health.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('liaison-ops-token') || '';
let timer;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k === 'style') node.setAttribute('style', v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return node;
}

const table = (id, header, rows, empty) => {
  $(id).replaceChildren(
    rows.length ? el('tr', {}, header.map((h, i) => el('th', { class: i === 0 ? 'row' : '' }, h))) : el('tr', {}, el('td', { class: 'label muted' }, empty)),
    ...rows.map((r) => el('tr', {}, r.map((c, i) => el('td', { class: i === 0 ? 'label' : '' }, c)))),
  );
};
const duration = (s) => (s >= 86400 ? `${(s / 86400).toFixed(1)} d` : s >= 3600 ? `${(s / 3600).toFixed(1)} h` : `${Math.round(s / 60)} min`);

function heat(value, max) {
  if (!value) return '';
  const alpha = 0.15 + 0.85 * Math.sqrt(value / max);
  return `background: rgba(18, 53, 91, ${alpha.toFixed(2)}); color: ${alpha > 0.55 ? '#fff' : '#1d2733'}`;
}

function draw(o) {
  $('signin').hidden = true;
  for (const id of ['health-section', 'flow-section', 'side-section']) $(id).hidden = false;
  $('generated').textContent = `updated ${o.generatedAt.slice(11, 19)} UTC`;
  $('audit').textContent = o.auditIntact === null ? '' : o.auditIntact ? 'audit trail intact' : 'AUDIT TRAIL BROKEN';
  $('audit').style.color = o.auditIntact === false ? '#ff7b6b' : '#8fd19e';
  $('health').replaceChildren(
    ...o.services.map((s) =>
      el('div', { class: `card ${s.up ? (s.ready ? '' : 'notready') : 'down'}`, 'data-service': s.name }, el('div', { class: 'big' }, s.up ? (s.ready ? 'UP' : 'NOT READY') : 'DOWN'), el('div', {}, s.name), el('div', { class: 'muted' }, s.error || (s.problems && s.problems[0]) || `scraped ${s.lastScrape ? s.lastScrape.slice(11, 19) : '—'}`)),
    ),
  );
  $('totals').replaceChildren(...Object.entries(o.totals).map(([k, v]) => el('span', {}, el('strong', {}, v), ` ${k}`)));
  const origins = o.countries.filter((c) => o.flows[c]);
  const destinations = o.countries.filter((c) => origins.some((orig) => o.flows[orig][c]));
  const delivered = (f) => (f ? (f.DELIVERED || 0) + (f.DELIVERED_FILTERED || 0) + (f.HELD_FOR_REVIEW || 0) : 0);
  const max = Math.max(1, ...origins.flatMap((orig) => destinations.map((d) => delivered(o.flows[orig][d]))));
  $('matrix').replaceChildren(
    el('tr', {}, el('th', { class: 'row' }, 'from \\ to'), destinations.map((d) => el('th', {}, d))),
    ...origins.map((orig) =>
      el('tr', {}, el('th', { class: 'row' }, orig), destinations.map((d) => {
        const f = o.flows[orig][d];
        const n = delivered(f);
        const title = f ? Object.entries(f).map(([k, v]) => `${k}: ${v}`).join(', ') : 'nothing';
        return el('td', { style: heat(n, max), title: `${orig} → ${d}: ${title}`, 'data-cell': `${orig}-${d}` }, n || '', f && f.BLOCKED ? el('span', { class: 'blocked' }, `✕${f.BLOCKED}`) : '');
      })),
    ),
  );
  table('blocked', ['rule', 'destinations'], o.blockedByRule.map((c) => [c.labels.rule, c.value]), 'none');
  const oldest = Object.fromEntries(o.heldOldestSeconds.map((c) => [c.labels.origin, c.value]));
  table('held', ['origin → destination', 'copies', 'oldest (origin)'], o.heldWaiting.map((c) => [`${c.labels.origin} → ${c.labels.destination}`, c.value, oldest[c.labels.origin] !== undefined ? duration(oldest[c.labels.origin]) : '']), 'none waiting');
  table('dead', ['reason', 'records'], o.deadLetters.map((c) => [c.labels.reason, c.value]), 'none');
  table('overdue', ['country', 'requests'], o.overdue.map((c) => [c.labels.country, c.value]), 'none');
  table('lag', ['where', 'records behind'], [...o.gatewayLag.map((c) => [`outbox ${c.labels.origin} → gateway`, c.value]), ...o.inboxLag.map((c) => [`inbox ${c.labels.country} → contact point`, c.value]), ...(o.stateReaderLag ?? []).map((c) => [`Kafka → database (${c.labels.reader})`, c.value]), ...(o.stateReadersFailing ?? []).map((c) => [`database (${c.labels.reader})`, 'cannot store: see the service\'s /readyz'])], 'no backlog');
  $('latency').textContent = o.latency.count ? `p50 ${(o.latency.p50 * 1000).toFixed(0)} ms, p95 ${(o.latency.p95 * 1000).toFixed(0)} ms over ${o.latency.count} copies (submission to inbox commit)` : 'no deliveries yet';
  table('infra', ['infrastructure', 'errors'], o.infraErrors.map((c) => [c.labels.infra, c.value]), 'none');
}

async function refresh() {
  try {
    const response = await fetch('/v1/overview', { headers: { authorization: `Bearer ${token}` } });
    const body = await response.json();
    if (!response.ok) throw new Error(`${response.status}: ${(body.problems || [body.error]).join('; ')}`);
    draw(body);
  } catch (error) {
    $('error').textContent = error.message;
    $('signin').hidden = false;
    clearInterval(timer);
  }
}

function start() {
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 5000);
}

$('signin-button').addEventListener('click', () => {
  token = $('token').value.trim();
  sessionStorage.setItem('liaison-ops-token', token);
  $('error').textContent = '';
  start();
});
if (token) start();
