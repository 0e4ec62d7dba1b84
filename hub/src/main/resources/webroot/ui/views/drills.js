// Drills: every failover drill recorded in the event log (reachctl drill run posts drill_started,
// drill_fault_injected, drill_fault_cleared and drill_finished with its verdict and timings), as a
// timeline, newest first. The event export is read incrementally (?since=the last seq seen) and only
// drill events are kept; the first read streams the whole log once.
import { h, badge, duration, time } from '../dom.js';
import { Poller } from '../poller.js';
import { readEvents } from '../events.js';

const drills = new Map(); // drill id → {id, scenario, target, events: []}
let lastSeq = 0;
let maxKept = 0; // a read cut off halfway is read again from lastSeq: never keep an event twice

function keep(e) {
  if (e.seq <= maxKept) {
    return;
  }
  maxKept = e.seq;
  if (!e.type || !e.type.startsWith('drill_') || !e.payload) {
    return;
  }
  const id = e.payload.drill_id;
  if (!drills.has(id)) {
    drills.set(id, { id, scenario: e.payload.scenario, target: e.payload.target, events: [] });
  }
  drills.get(id).events.push(e);
}

function at(e) {
  return Date.parse((e.payload.detail && e.payload.detail.at) || e.at);
}

function timeline(d) {
  const start = d.events.find(e => e.type === 'drill_started');
  const end = d.events.find(e => e.type === 'drill_finished');
  const t0 = at(start || d.events[0]);
  const t1 = end ? at(end) : Date.now();
  const span = Math.max(1, t1 - t0);
  const verdict = end ? end.payload.detail.verdict : 'RUNNING';
  const timings = end ? end.payload.detail.timings_ms || {} : {};
  const marks = d.events.filter(e => e.type === 'drill_fault_injected' || e.type === 'drill_fault_cleared').map(e => {
    const left = (100 * (at(e) - t0) / span).toFixed(2) + '%';
    const what = (e.payload.detail.action || '') + (e.payload.detail.member ? ' ' + e.payload.detail.member : '');
    return h('span', { class: 'mark ' + (e.type === 'drill_fault_injected' ? 'inject' : 'clear'), style: 'left:' + left,
      title: e.type.replace('drill_', '').replace('_', ' ') + ': ' + what + ' at ' + time(new Date(at(e)).toISOString()) }, '');
  });
  return h('li', { class: 'drill', 'data-drill': d.id, 'data-verdict': verdict },
      h('div', { class: 'drill-head' }, badge(verdict), ' ', h('strong', {}, d.scenario), ' on ', d.target, ' ',
          h('span', { class: 'muted' }, time(new Date(t0).toISOString()), ' · ', duration(t1 - t0), ' · ', d.id)),
      h('div', { class: 'track' }, h('span', { class: 'bar' }), marks),
      h('div', { class: 'muted legend' }, h('span', {}, '0 s'), h('span', {}, duration(t1 - t0))),
      h('ul', { class: 'plain steps' }, d.events.filter(e => e.type !== 'drill_started' && e.type !== 'drill_finished').map(e =>
          h('li', {}, h('span', { class: 'mark-key ' + (e.type === 'drill_fault_injected' ? 'inject' : 'clear') }), ' +',
              duration(at(e) - t0), ' ', e.type === 'drill_fault_injected' ? 'fault injected: ' : 'fault cleared: ',
              [e.payload.detail.action, e.payload.detail.member, e.payload.detail.role ? '(' + e.payload.detail.role + ')' : null]
                .filter(Boolean).join(' ')))),
      Object.keys(timings).length ? h('dl', { class: 'timings' }, Object.entries(timings).flatMap(([k, v]) =>
          [h('dt', {}, k), h('dd', {}, v == null ? '—' : duration(v))])) : null);
}

export function mount(root, { session }) {
  const info = h('p', { class: 'muted' });
  const list = h('ol', { id: 'drills', class: 'timeline' });
  root.append(h('h1', {}, 'Drills'), info, list);

  async function load() {
    lastSeq = await readEvents(session, lastSeq, keep);
    const all = [...drills.values()].sort((a, b) => at(b.events[0]) - at(a.events[0]));
    list.replaceChildren(...all.map(timeline));
    info.textContent = all.length ? all.length + ' drill(s) in the event log · updated ' + new Date().toLocaleTimeString()
        : 'No drills recorded yet: run one with reachctl drill run SCENARIO --target local|compose.';
    session.ok();
  }

  const poller = new Poller({ load, intervalMs: 20000,
    onError: (e, next) => session.failed(e, next, 'the drills view (admin API: needs an admin token)') }).start();
  const off = session.onToken(() => poller.now());
  return () => { poller.stop(); off(); };
}
