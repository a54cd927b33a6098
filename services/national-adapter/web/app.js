// The sender's page: draft a notice, and see side by side per destination what each would
// receive (POST /v1/notices/preview). Nothing is submitted from here.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('liaison-adapter-token') || '';

const text = (value) => document.createTextNode(value == null ? '' : String(value));
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(typeof c === 'string' || typeof c === 'number' ? text(c) : c);
  return node;
}

async function preview() {
  $('error').textContent = '';
  let body;
  try {
    body = JSON.parse($('draft').value);
  } catch (error) {
    $('error').textContent = `The draft is not JSON: ${error.message}`;
    return;
  }
  const response = await fetch('/v1/notices/preview', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem('liaison-adapter-token');
    $('editor').hidden = true;
    $('signin').hidden = false;
  }
  if (!response.ok) {
    $('error').textContent = `${response.status}: ${(answer.problems || [answer.error]).join('\n')}`;
    return;
  }
  $('summary').textContent = `Preview under policy ${answer.policyVersion} for ${answer.origin}; nothing was submitted.`;
  $('columns').replaceChildren(...answer.destinations.map(column));
}

function column(d) {
  const node = el('section', { class: `destination ${d.status}`, 'data-destination': d.destination },
    el('h2', {}, d.destination),
    el('div', { class: 'status' }, d.status.replaceAll('_', ' ')),
    el('div', { class: 'agreement muted' }, d.agreement ? `under ${d.agreement}` : 'no agreement'),
  );
  if (d.reasons.length) node.append(el('ul', { class: 'reasons' }, d.reasons.map((r) => el('li', {}, r))));
  if (d.fieldActions.length) {
    node.append(el('ul', { class: 'actions' }, d.fieldActions.map((a) => el('li', {}, `${a.action} ${a.path}${a.detail ? ` (${a.detail})` : ''} — ${a.rule}`))));
  }
  for (const copy of d.copies) node.append(copyView('Arrives now', copy));
  if (d.held) node.append(copyView('Waits for your DPO', d.held));
  return node;
}

function copyView(title, copy) {
  const n = copy.notice;
  const people = n.subjects.map((s) => `${s.role}: ${[s.givenNames, s.familyName].filter(Boolean).join(' ') || '(no name)'}${s.phoneNumbers.length ? `, ${s.phoneNumbers.join(', ')}` : ''}`);
  return el('div', { class: 'copy', 'data-part': copy.part },
    el('h3', {}, `${title} (${copy.part.toLowerCase().replaceAll('_', ' ')}, handling ${n.handling.code})`),
    el('pre', { class: 'copy-summary' }, n.summary),
    el('pre', { class: 'copy-subjects' }, people.length ? people.join('\n') : 'no data subjects'),
    el('details', {}, el('summary', {}, 'the whole copy'), el('pre', {}, JSON.stringify(copy, null, 2))),
  );
}

async function signIn() {
  token = $('token').value.trim();
  sessionStorage.setItem('liaison-adapter-token', token);
  await start();
}

async function start() {
  if (!token) return;
  $('signin').hidden = true;
  $('editor').hidden = false;
  if (!$('draft').value) $('draft').value = await (await fetch('draft-example.json')).text();
}

$('signin-button').addEventListener('click', signIn);
$('preview-button').addEventListener('click', preview);
void start();
