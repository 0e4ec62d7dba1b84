// One run: its jobs, every attempt (runner, incarnation, lease token, why it ended, exit code,
// artifacts with `missing`) and a live log of the chosen job that follows it while it runs.
import { h, badge, duration, time, table } from '../dom.js';
import { Poller } from '../poller.js';
import { followLog } from '../log-follow.js';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED', 'QUARANTINED']);

function artifacts(list) {
  if (!list || list.length === 0) {
    return '—';
  }
  return h('ul', { class: 'plain' }, list.map(a => h('li', { class: a.missing ? 'missing' : '' },
      a.name, ' ', a.missing ? h('strong', {}, 'missing' + (a.reason ? ' (' + a.reason + ')' : ''))
        : h('span', { class: 'muted' }, (a.size ?? '?') + ' B'))));
}

function attemptRows(job) {
  return (job.attempts || []).map(a => h('tr', { 'data-attempt': a.number },
      h('td', {}, '#' + a.number), h('td', {}, badge(a.state)), h('td', {}, a.runner || '—'),
      h('td', { class: 'mono', title: a.incarnation || '' }, a.incarnation ? a.incarnation.slice(0, 8) : '—'),
      h('td', { class: 'mono' }, a.token ?? '—'), h('td', {}, a.reason || '—'), h('td', {}, a.exit_code ?? '—'),
      h('td', {}, time(a.leased_at)),
      h('td', {}, a.started_at && a.ended_at ? duration(Date.parse(a.ended_at) - Date.parse(a.started_at)) : '—'),
      h('td', {}, artifacts(a.artifacts))));
}

export function mount(root, { session, runId, jobName }) {
  const head = h('div');
  const jobsEl = h('div', { id: 'jobs' });
  const logTitle = h('h2', {}, 'Log');
  const logState = h('span', { class: 'muted', id: 'log-state' });
  const pre = h('pre', { id: 'log', class: 'log' });
  root.append(h('p', {}, h('a', { href: '#/runs' }, '← runs')), head, jobsEl,
      h('section', { id: 'log-view', hidden: !jobName }, logTitle, logState, pre));
  let stopLog = null;
  let followed = null; // "job#attempt" being followed

  function follow(job) {
    const attempt = job.attempts && job.attempts.length ? job.attempts[job.attempts.length - 1].number : null;
    const key = job.name + '#' + attempt;
    if (attempt == null || followed === key) {
      return;
    }
    if (stopLog) {
      stopLog();
    }
    followed = key;
    logTitle.textContent = 'Log of ' + job.name + ' (attempt ' + attempt + ')';
    stopLog = followLog({ session, runId, job: job.name, attempt, pre,
      onState: s => { logState.textContent = s; if (s.startsWith('no log yet')) { followed = null; } } });
  }

  async function load() {
    const run = await session.json('/api/v1/runs/' + encodeURIComponent(runId));
    head.replaceChildren(h('h1', {}, 'Run ', run.name, ' ', badge(run.state)),
        h('p', { class: 'muted' }, run.id, ' · created ', time(run.created_at)));
    jobsEl.replaceChildren(...(run.jobs || []).map(job => h('section', { class: 'job', 'data-job': job.name, 'data-state': job.state },
        h('h2', {}, h('a', { href: '#/run/' + run.id + '/job/' + encodeURIComponent(job.name) }, job.name), ' ', badge(job.state),
            ' ', h('span', { class: 'muted' }, 'exit ', job.exit_code ?? '—', ' · ', job.reason || 'no end reason yet')),
        table(['Attempt', 'State', 'Runner', 'Incarnation', 'Lease token', 'Reason', 'Exit', 'Leased', 'Ran', 'Artifacts'],
            attemptRows(job)))));
    const job = (run.jobs || []).find(j => j.name === jobName);
    if (job) {
      follow(job);
    }
    session.ok();
    if (TERMINAL.has(run.state) && followed) {
      poller.intervalMs = 15000; // nothing changes any more but a requeue elsewhere; keep a slow look
    }
  }

  const poller = new Poller({ load, intervalMs: 2000, onError: (e, next) => session.failed(e, next, 'this run') }).start();
  const off = session.onToken(() => poller.now());
  return () => { poller.stop(); off(); if (stopLog) { stopLog(); } };
}
