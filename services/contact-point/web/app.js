// The officer's page: the inbox (overdue requests first) and a notice view that puts the
// handling code, conditions and evaluation first and marks what was removed for this country.
const $ = (id) => document.getElementById(id);
let token = sessionStorage.getItem('liaison-token') || '';

const text = (value) => document.createTextNode(value == null ? '' : String(value));
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(typeof c === 'string' || typeof c === 'number' ? text(c) : c);
  return node;
}
const when = (iso) => (iso ? new Date(iso).toISOString().slice(0, 16).replace('T', ' ') : '');

async function api(path, options = {}) {
  const response = await fetch(`/v1${path}`, { ...options, headers: { authorization: `Bearer ${token}`, ...(options.headers || {}) } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${(body.problems || [body.error]).join('; ')}`);
  return body;
}

async function loadInbox() {
  $('error').textContent = '';
  const params = new URLSearchParams();
  if ($('f-kind').value) params.set('kind', $('f-kind').value);
  if ($('f-overdue').checked) params.set('overdue', 'true');
  try {
    const inbox = await api(`/inbox?${params}`);
    $('signin').hidden = true;
    $('inbox').hidden = false;
    $('who').textContent = `Inbox of ${inbox.country}`;
    $('counts').replaceChildren(el('span', { class: inbox.overdue ? 'badge overdue' : 'badge' }, `${inbox.overdue} overdue`), el('span', { class: 'badge' }, `${inbox.notices.length} notices`));
    $('rows').replaceChildren(...inbox.notices.map(row));
  } catch (error) {
    $('error').textContent = error.message;
  }
}

function row(n) {
  const status = [];
  if (n.overdue) status.push(el('span', { class: 'badge overdue' }, 'OVERDUE'));
  if (n.answered) status.push(el('span', { class: 'badge' }, n.answered.refusal ? `refused: ${n.answered.refusal}` : 'answered'));
  if (n.correction) status.push(el('span', { class: 'badge' }, `${n.correction.action} of an earlier notice${n.correction.acknowledged ? ' (acknowledged)' : ''}`));
  if (n.correctedBy.length) status.push(el('span', { class: 'badge' }, n.correctedBy.some((c) => c.action === 'WITHDRAW') ? 'withdrawn' : 'corrected'));
  if (n.filtered) status.push(el('span', { class: 'badge' }, 'filtered for you'));
  if (n.read) status.push(el('span', { class: 'badge' }, 'read'));
  return el(
    'tr',
    { class: `notice${n.overdue ? ' overdue' : ''}`, 'data-notice': n.noticeId, onclick: () => openNotice(n.noticeId) },
    el('td', {}, n.dueAt ? when(n.dueAt) : '—'),
    el('td', {}, n.kind),
    el('td', {}, n.priority === 'URGENT' ? el('span', { class: 'badge urgent' }, 'URGENT') : 'routine'),
    el('td', {}, n.caseRef),
    el('td', {}, n.origin),
    el('td', {}, n.crimeAreas.join(', ')),
    el('td', {}, el('span', { class: `badge ${n.handlingCode.toLowerCase()}` }, n.handlingCode)),
    el('td', {}, when(n.deliveredAt)),
    el('td', {}, status),
  );
}

async function openNotice(noticeId) {
  const view = $('view');
  view.hidden = false;
  document.body.classList.add('viewing');
  const input = el('input', { id: 'justification', placeholder: 'why do you consult this notice? (logged)', size: '60' });
  view.replaceChildren(el('p', {}, `Open notice ${noticeId}: `), input, el('button', { id: 'open', onclick: () => show(noticeId, input.value) }, 'Open'));
  input.focus();
}

async function show(noticeId, justification) {
  const view = $('view');
  try {
    const n = await api(`/inbox/${noticeId}`, { headers: { 'x-justification': justification } });
    const notice = n.notice;
    const h = notice.handling;
    view.replaceChildren(
      el('button', { class: 'close', onclick: () => { view.hidden = true; document.body.classList.remove('viewing'); } }, 'Close'),
      el('h2', {}, `${notice.kind} ${notice.caseRef} from ${n.origin}`),
      el(
        'div',
        { class: 'handling', id: 'handling' },
        el('div', {}, el('div', { class: 'muted' }, 'Handling code'), el('div', { class: 'code' }, h.code)),
        el('div', {}, el('div', { class: 'muted' }, 'Evaluation'), el('div', { class: 'code' }, `${notice.evaluation.source}${notice.evaluation.information.replace('R', '')}`)),
        el('div', {}, el('div', { class: 'muted' }, 'Classification'), el('div', {}, notice.classification)),
        el('div', {}, el('div', { class: 'muted' }, 'Conditions'), el('ul', {}, [...(h.h3Text ? [el('li', {}, `H3: ${h.h3Text}`)] : []), ...h.processingConditions.map((c) => el('li', {}, c))])),
      ),
      n.removedForYou.length
        ? el('div', { class: 'removed', id: 'removed' }, el('strong', {}, `Removed or changed for your country (${n.removedForYou.length})`), el('ul', {}, n.removedForYou.map((a) => el('li', {}, `${a.action} ${a.path} — ${a.rule}${a.detail ? ` (${a.detail})` : ''}`))))
        : el('p', { class: 'muted' }, 'Nothing was removed for your country.'),
      el('p', {}, el('strong', {}, 'Agreement: '), n.agreement, el('strong', {}, '  Due: '), n.dueAt ? when(n.dueAt) : '—', el('strong', {}, '  Expires: '), when(n.expiresAt)),
      el('h3', {}, 'Summary'),
      el('pre', {}, notice.summary),
      notice.subjects.length ? el('h3', {}, 'Persons') : '',
      notice.subjects.length ? el('table', {}, el('tr', {}, el('th', {}, 'Role'), el('th', {}, 'Name'), el('th', {}, 'Born'), el('th', {}, 'Nationalities')), notice.subjects.map((s) => el('tr', {}, el('td', {}, s.role), el('td', {}, [s.familyName, s.givenNames].filter(Boolean).join(', ')), el('td', {}, s.dateOfBirth || ''), el('td', {}, s.nationalities.join(', '))))) : '',
      el('h3', {}, 'Everything received'),
      el('pre', {}, JSON.stringify(notice, null, 2)),
    );
  } catch (error) {
    $('error').textContent = error.message;
  }
}

$('signin-button').addEventListener('click', () => {
  token = $('token').value.trim();
  sessionStorage.setItem('liaison-token', token);
  loadInbox();
});
$('refresh').addEventListener('click', loadInbox);
$('f-kind').addEventListener('change', loadInbox);
$('f-overdue').addEventListener('change', loadInbox);
if (token) loadInbox();
