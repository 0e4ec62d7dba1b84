// Runs: newest first with state, age and duration; filter by state. Polled every 2 s.
// The list answer has no end time, so a finished run's duration comes from its detail (the last attempt
// end), fetched once per finished run and kept: terminal states never change.
import { h, badge, duration, since, table } from '../dom.js';
import { Poller } from '../poller.js';

const STATES = ['', 'QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
const ended = new Map(); // run id → end time (ms) of a finished run

function endOf(run) {
  let end = null;
  for (const job of run.jobs || []) {
    for (const a of job.attempts || []) {
      const t = a.ended_at ? Date.parse(a.ended_at) : null;
      if (t != null && (end == null || t > end)) {
        end = t;
      }
    }
  }
  return end ?? Date.parse(run.created_at);
}

export function mount(root, { session, params }) {
  const state = params.get('state') || '';
  const select = h('select', { id: 'state-filter', 'aria-label': 'filter by state' },
      STATES.map(s => h('option', { value: s, selected: s === state }, s || 'all states')));
  select.addEventListener('change', () => {
    location.hash = '#/runs' + (select.value ? '?state=' + select.value : '');
  });
  const info = h('span', { class: 'muted' });
  const body = h('tbody', { id: 'runs' });
  root.append(h('h1', {}, 'Runs'), h('p', {}, 'State ', select, ' ', info),
      h('table', {}, h('thead', {}, h('tr', {}, ['Run', 'Name', 'State', 'Jobs', 'Age', 'Duration'].map(t => h('th', {}, t)))), body));

  async function durations(runs) {
    const todo = runs.filter(r => TERMINAL.has(r.state) && !ended.has(r.id)).slice(0, 8); // a few per refresh
    await Promise.all(todo.map(r => session.json('/api/v1/runs/' + encodeURIComponent(r.id))
        .then(detail => ended.set(r.id, endOf(detail))).catch(() => {})));
  }

  async function load() {
    const q = new URLSearchParams({ limit: '50' });
    if (state) {
      q.set('state', state);
    }
    const list = (await session.json('/api/v1/runs?' + q)).runs || [];
    await durations(list);
    const now = Date.now();
    body.replaceChildren(...list.map(run => {
      const created = Date.parse(run.created_at);
      const end = ended.get(run.id);
      const dur = TERMINAL.has(run.state) ? (end != null ? duration(end - created) : '…') : duration(now - created) + ' so far';
      return h('tr', { 'data-run': run.id, 'data-state': run.state },
          h('td', {}, h('a', { href: '#/run/' + run.id }, run.id.slice(0, 8))),
          h('td', {}, run.name), h('td', {}, badge(run.state)),
          h('td', {}, Array.isArray(run.jobs) ? run.jobs.length : run.jobs),
          h('td', {}, since(run.created_at, now)), h('td', {}, dur));
    }));
    info.textContent = list.length + ' run(s) · updated ' + new Date().toLocaleTimeString();
    session.ok();
  }

  const poller = new Poller({ load, intervalMs: 2000, onError: (e, next) => session.failed(e, next, 'the runs list') }).start();
  const off = session.onToken(() => poller.now());
  return () => { poller.stop(); off(); };
}
