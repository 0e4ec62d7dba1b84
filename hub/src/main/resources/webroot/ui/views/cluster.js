// Cluster: members and leader, every service's lifecycle, circuit breakers, the self-healing policy,
// the /health/deep recommendation, and the queue's depth and oldest queued age over the last hour
// (the hub's sampled history). Admin API: needs an admin token even with auth off.
import { h, badge, duration, since, table, section } from '../dom.js';
import { Poller } from '../poller.js';
import { lineChart } from '../chart.js';

function part(p, render) {
  return p && p.error ? h('p', { class: 'error' }, 'unavailable: ', p.error.code, ' — ', p.error.message) : render(p);
}

export function mount(root, { session }) {
  const summary = h('div', { id: 'cluster-summary', class: 'cards' });
  const charts = h('div', { id: 'queue-charts', class: 'cards' });
  const rest = h('div');
  root.append(h('h1', {}, 'Cluster'), summary, section('Queue over the last hour', charts), rest);

  async function loadStatus() {
    const [s, deep] = await Promise.all([session.json('/admin/api/system-status'),
      session.json('/health/deep').catch(err => ({ error: err }))]);
    const rec = deep.resilience ? deep.resilience.recommendation : null;
    summary.replaceChildren(
        h('div', { class: 'card' }, h('h3', {}, 'Members'), h('p', { class: 'big' }, s.cluster.members ?? '—'),
            h('p', { class: 'muted' }, s.cluster.status || '', ' · ', (s.nodes || []).length, ' node(s) publishing')),
        h('div', { class: 'card' }, h('h3', {}, 'Leader'), part(s.leadership, l => h('p', {}, h('span', { class: 'mono' }, l.leader_id || 'none'),
            h('br'), h('span', { class: 'muted' }, 'epoch ', l.epoch, ' · since ', since(l.since))))),
        h('div', { class: 'card', id: 'recommendation' }, h('h3', {}, '/health/deep'),
            deep.error ? h('p', { class: 'error' }, deep.error.code) : h('p', {}, badge(deep.status), ' ', rec ? h('strong', {}, rec.action) : ''),
            rec ? h('p', { class: 'muted' }, rec.reason) : null),
        h('div', { class: 'card' }, h('h3', {}, 'Queue now'), part(s.queue, q => h('p', { class: 'big' }, q.queued)),
            part(s.queue, q => h('p', { class: 'muted' }, 'oldest queued ', duration(q.oldest_queued_age_ms)))),
        h('div', { class: 'card' }, h('h3', {}, 'Restart churn'), h('p', { class: 'big' }, s.restart_churn.restarts_in_window),
            h('p', { class: s.restart_churn.churn_exceeded ? 'error' : 'muted' }, 'threshold ', s.restart_churn.threshold,
                ' in ', duration(s.restart_churn.window_seconds * 1000), s.restart_churn.churn_exceeded ? ' — exceeded' : '')));
    const policyRows = (s.nodes || []).map(n => {
      const heal = (n.resilience || {}).self_healing || {};
      const p = heal.policy || {};
      return h('tr', {}, h('td', { class: 'mono' }, n.node_id), h('td', {}, badge(p.state)), h('td', {}, p.reason || ''),
          h('td', {}, (p.heals_in_window ?? '—') + ' / ' + (p.max_heals ?? '—')),
          h('td', {}, (heal.components || []).map(c => h('span', { class: 'label', title: c.probe_reason }, c.name + ': ' + c.probe))));
    });
    rest.replaceChildren(
        section('Services', table(['Node', 'Service', 'Instance', 'Lifecycle', 'Reason'], (s.services || []).map(v =>
            h('tr', {}, h('td', { class: 'mono' }, v.node_id), h('td', {}, v.service), h('td', { class: 'mono' }, v.instance || ''),
                h('td', {}, badge(v.state)), h('td', {}, v.reason || ''))), { id: 'services' })),
        section('Circuit breakers', table(['Node', 'Breaker', 'State', 'Failures', 'Opened (times)'], (s.breakers || []).map(b =>
            h('tr', { 'data-breaker': b.name }, h('td', { class: 'mono' }, b.node_id), h('td', {}, b.name), h('td', {}, badge(b.state)),
                h('td', {}, (b.failure_count ?? 0) + ' / ' + (b.failure_threshold ?? '?')), h('td', {}, b.times_opened ?? 0))), { id: 'breakers' })),
        section('Self-healing policy', table(['Node', 'Policy', 'Reason', 'Heals in window', 'Components'], policyRows)));
    session.ok();
  }

  async function loadHistory() {
    const hist = await session.json('/admin/api/queue-history');
    const samples = hist.samples || [];
    // the last hour, or since this hub started sampling when that is shorter (at least two minutes)
    const first = samples.length ? Date.parse(samples[0].at) : Date.now();
    const span = Math.min(hist.window_ms, Math.max(120000, Date.now() - first + hist.interval_ms));
    charts.replaceChildren(
        h('div', { class: 'card wide' }, lineChart({ samples, value: s => s.queued, fmt: v => String(Math.round(v)),
          windowMs: span, title: 'queued jobs' })),
        h('div', { class: 'card wide' }, lineChart({ samples, value: s => s.oldest_queued_age_ms ?? 0, fmt: v => duration(v),
          windowMs: span, title: 'oldest queued age' })),
        h('p', { class: 'muted' }, samples.length + ' sample(s), one every ' + Math.round(hist.interval_ms / 1000)
            + ' s, kept by this hub in memory for ' + Math.round(hist.window_ms / 60000) + ' min'
            + (span < hist.window_ms ? ' (shown: since it started)' : '') + '; errors show as grey lines.'));
  }

  const onError = (e, next) => session.failed(e, next, 'the cluster view (admin API: needs an admin token)');
  const status = new Poller({ load: loadStatus, intervalMs: 5000, onError }).start();
  const history = new Poller({ load: loadHistory, intervalMs: 15000, onError }).start();
  const off = session.onToken(() => { status.now(); history.now(); });
  return () => { status.stop(); history.stop(); off(); };
}
