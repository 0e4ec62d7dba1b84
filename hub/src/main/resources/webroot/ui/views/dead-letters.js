// Dead letters: quarantined jobs, newest first; an admin can requeue one (a new run pointing to it).
import { h, since, table } from '../dom.js';
import { Poller } from '../poller.js';

export function mount(root, { session }) {
  const info = h('p', { class: 'muted' });
  const body = h('tbody', { id: 'dead-letters' });
  const result = h('p', { id: 'requeue-result', role: 'status' });
  root.append(h('h1', {}, 'Dead letters'), info, result,
      h('table', {}, h('thead', {}, h('tr', {}, ['Job', 'Run', 'Quarantined', 'Reason', 'Lost attempts', 'Requeued as', ''].map(t => h('th', {}, t)))), body));

  async function requeue(d, button) {
    button.disabled = true;
    try {
      const r = await session.json('/api/v1/dead-letters/' + encodeURIComponent(d.job_id) + '/requeue', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ reason: 'requeued from the dashboard' }) });
      result.replaceChildren('Requeued ', d.job_name, ' as run ', h('a', { href: '#/run/' + r.run_id }, r.run_id));
      poller.now();
    } catch (err) {
      if (!session.needsToken(err, 'Requeueing needs an admin token: ' + err.message)) {
        result.textContent = 'Requeue failed: ' + err.code + ': ' + err.message;
      }
    } finally {
      button.disabled = false;
    }
  }

  async function load() {
    const list = (await session.json('/api/v1/dead-letters?limit=100')).dead_letters || [];
    const now = Date.now();
    body.replaceChildren(...list.map(d => {
      const button = h('button', { type: 'button' }, 'Requeue');
      button.addEventListener('click', () => requeue(d, button));
      return h('tr', { 'data-job': d.job_id },
          h('td', {}, d.job_name), h('td', {}, h('a', { href: '#/run/' + d.run_id }, d.run_id.slice(0, 8))),
          h('td', { title: d.quarantined_at }, since(d.quarantined_at, now)), h('td', {}, d.reason),
          h('td', {}, d.lost_attempts ?? '—'),
          h('td', {}, (d.requeued_runs || []).map(r => h('a', { href: '#/run/' + (r.run_id || r), class: 'mono' }, String(r.run_id || r).slice(0, 8) + ' '))),
          h('td', {}, button));
    }));
    info.textContent = list.length + ' dead letter(s) · requeue needs an admin token · updated ' + new Date().toLocaleTimeString();
    session.ok();
  }

  const poller = new Poller({ load, intervalMs: 10000, onError: (e, next) => session.failed(e, next, 'the dead letters') }).start();
  const off = session.onToken(() => poller.now());
  return () => { poller.stop(); off(); };
}
