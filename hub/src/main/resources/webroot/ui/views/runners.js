// Runners: live ones (a heartbeat within the orchestrators' alive window) with slots used/free, labels,
// last heartbeat, incarnation and lifecycle; the departed ones below. Polled every 3 s.
import { h, badge, since, table } from '../dom.js';
import { Poller } from '../poller.js';

function row(r, now) {
  const used = r.active ?? 0;
  const lifecycle = r.lifecycle ? badge(r.lifecycle.state) : h('span', { class: 'muted', title: 'no JVM publishes a lifecycle for this runner id (shared JVM in local mode, or gone)' }, '—');
  return h('tr', { 'data-runner': r.id },
      h('td', {}, r.id),
      h('td', {}, h('span', { class: 'slots', title: used + ' used of ' + r.slots },
          h('meter', { min: 0, max: r.slots || 1, value: used }), ' ', used + ' used / ' + Math.max(0, r.slots - used) + ' free')),
      h('td', {}, (r.labels || []).length ? r.labels.map(l => h('span', { class: 'label' }, l)) : '—'),
      h('td', { title: r.last_heartbeat_at }, since(r.last_heartbeat_at, now)),
      h('td', { class: 'mono', title: r.incarnation }, (r.incarnation || '').slice(0, 8)),
      h('td', {}, lifecycle, r.lifecycle && r.lifecycle.reason ? h('span', { class: 'muted' }, ' ' + r.lifecycle.reason) : null));
}

export function mount(root, { session }) {
  const info = h('p', { class: 'muted' });
  const live = h('tbody', { id: 'runners-live' });
  const gone = h('tbody', { id: 'runners-gone' });
  const headers = ['Runner', 'Slots', 'Labels', 'Last heartbeat', 'Incarnation', 'Lifecycle'];
  root.append(h('h1', {}, 'Runners'), info,
      h('table', {}, h('thead', {}, h('tr', {}, headers.map(t => h('th', {}, t)))), live),
      h('h2', {}, 'Departed'), h('p', { class: 'muted' }, 'No heartbeat within the alive window; their unfinished leases expire and are retried elsewhere.'),
      h('table', {}, h('thead', {}, h('tr', {}, headers.map(t => h('th', {}, t)))), gone));

  async function load() {
    const body = await session.json('/api/v1/runners/overview');
    const now = Date.parse(body.generated_at) || Date.now();
    const runners = body.runners || [];
    const alive = runners.filter(r => r.alive);
    live.replaceChildren(...alive.map(r => row(r, now)));
    gone.replaceChildren(...runners.filter(r => !r.alive).map(r => row(r, now)));
    const slots = alive.reduce((n, r) => n + (r.slots || 0), 0);
    const used = alive.reduce((n, r) => n + (r.active || 0), 0);
    info.textContent = alive.length + ' live runner(s), ' + used + ' of ' + slots + ' slots in use · alive window '
        + Math.round(body.alive_window_ms / 1000) + ' s · updated ' + new Date().toLocaleTimeString();
    session.ok();
  }

  const poller = new Poller({ load, intervalMs: 3000, onError: (e, next) => session.failed(e, next, 'the runners view') }).start();
  const off = session.onToken(() => poller.now());
  return () => { poller.stop(); off(); };
}
