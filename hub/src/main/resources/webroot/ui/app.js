// The dashboard's entry point: a hash router over the views; each view mounts into #view and returns
// the function that stops its pollers and streams when another view is opened.
import { Session } from './session.js';
import * as runs from './views/runs.js';
import * as run from './views/run.js';
import * as runners from './views/runners.js';
import * as cluster from './views/cluster.js';
import * as deadLetters from './views/dead-letters.js';
import * as drills from './views/drills.js';

const session = new Session(document.getElementById('banner'), document.getElementById('token-form'));
const viewEl = document.getElementById('view');
let unmount = null;

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query] = hash.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || '');
  switch (parts[0]) {
    case 'run': return { nav: 'runs', view: run, ctx: { runId: parts[1], jobName: parts[2] === 'job' ? parts[3] : null } };
    case 'runners': return { nav: 'runners', view: runners, ctx: {} };
    case 'cluster': return { nav: 'cluster', view: cluster, ctx: {} };
    case 'dead-letters': return { nav: 'dead-letters', view: deadLetters, ctx: {} };
    case 'drills': return { nav: 'drills', view: drills, ctx: {} };
    default: return { nav: 'runs', view: runs, ctx: { params } };
  }
}

function show() {
  if (unmount) {
    unmount();
  }
  const r = route();
  for (const a of document.querySelectorAll('nav a')) {
    a.classList.toggle('active', a.dataset.nav === r.nav);
  }
  viewEl.replaceChildren();
  unmount = r.view.mount(viewEl, Object.assign({ session }, r.ctx));
}

window.addEventListener('hashchange', show);
show();
