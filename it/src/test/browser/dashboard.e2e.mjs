// The dashboard in headless Chromium (Debian's chromium through playwright-core), against a running
// Reach. Driven by DashboardBrowserTest, which starts Reach, passes everything through the environment
// and cleans up; every wait here is bounded and waits on a condition in the page, never a fixed sleep.
//
//   REACH_URL      the hub, e.g. http://127.0.0.1:18080
//   REACH_MODE     local   (reachctl dev, auth off): a run with a failing job appears and turns FAILED
//                          without a reload, the failing job's log line shows, degraded answers show the
//                          banner and are retried with backoff, the admin views ask for the admin token
//                  cluster (separate JVMs, auth on): asks for a token; two runners live; prints
//                          "READY" and waits until one of them leaves the runners view (the test kills
//                          it by running the runner-crash drill), then waits for the drill in the timeline
//   REACH_TOKEN    the admin token to type in when asked
//   CHROMIUM       the browser executable (default /usr/bin/chromium)
//   SHOTS_DIR      where screenshots go (none when unset)
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const url = process.env.REACH_URL;
const mode = process.env.REACH_MODE;
const token = process.env.REACH_TOKEN;
const shots = process.env.SHOTS_DIR;
const T = 1000;

function log(...a) {
  console.log(new Date().toISOString(), ...a);
}

async function shot(page, name) {
  if (shots) {
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: shots + '/' + name + '.png', fullPage: true });
    log('screenshot', name);
  }
}

async function api(path, init = {}) {
  const headers = Object.assign({ 'Content-Type': 'application/json' }, token ? { Authorization: 'Bearer ' + token } : {});
  const res = await fetch(url + path, Object.assign({}, init, { headers }));
  const body = await res.json();
  if (!res.ok) {
    throw new Error(path + ': ' + res.status + ' ' + JSON.stringify(body));
  }
  return body;
}

/** Types the admin token into the dashboard's token form, which must be showing. */
async function giveToken(page) {
  await page.locator('#token-form').waitFor({ state: 'visible', timeout: 30 * T });
  await page.fill('#token', token);
  await page.click('#token-form button[type=submit]');
  await page.locator('#token-form').waitFor({ state: 'hidden', timeout: 10 * T });
}

async function local(page) {
  await page.goto(url + '/');
  await page.locator('#runs').waitFor({ state: 'attached', timeout: 30 * T });
  await page.evaluate(() => { window.__notReloaded = true; });

  // a run with one failing job, submitted while the page is open
  const { id } = await api('/api/v1/runs', { method: 'POST', body: JSON.stringify({ name: 'e2e-dashboard', jobs: [
    { name: 'build', command: 'echo compiling; sleep 2; echo built > build.txt; echo built', artifacts: ['build.txt', 'report.xml'] },
    { name: 'deploy', command: 'echo "deploy: target host unreachable"; sleep 3; exit 7' }] }) });
  log('submitted run', id);
  const row = page.locator(`#runs tr[data-run="${id}"]`);
  await row.waitFor({ timeout: 30 * T });
  log('run appeared as', await row.getAttribute('data-state'));
  await page.locator(`#runs tr[data-run="${id}"][data-state="FAILED"]`).waitFor({ timeout: 90 * T });
  if (!(await page.evaluate(() => window.__notReloaded === true))) {
    throw new Error('the page was reloaded');
  }
  log('run turned FAILED without a reload');
  await shot(page, 'runs');

  // the run page, then the failing job's live log
  await row.locator('a').click();
  await page.locator('section.job[data-job="deploy"][data-state="FAILED"]').waitFor({ timeout: 30 * T });
  await page.locator('section.job[data-job="deploy"] h2 a').click();
  await page.locator('#log', { hasText: 'deploy: target host unreachable' }).waitFor({ timeout: 30 * T });
  const attempt = await page.locator('section.job[data-job="deploy"] tr[data-attempt="1"]').innerText();
  if (!/FAILED/.test(attempt) || !/\b7\b/.test(attempt) || !/dev-runner-/.test(attempt)) {
    throw new Error('attempt row lacks state, exit code or runner: ' + attempt);
  }
  log('log line shown; attempt row:', attempt.replace(/\s+/g, ' '));
  const built = await page.locator('section.job[data-job="build"] tr[data-attempt="1"]').innerText();
  if (!/build\.txt/.test(built)) {
    throw new Error('the build attempt does not list its artifact: ' + built);
  }
  log('build attempt row:', built.replace(/\s+/g, ' '));
  await shot(page, 'run');

  // degraded: the API answers 503 DB_CIRCUIT_OPEN; the banner says so and the retries are spaced out
  const seen = [];
  await page.route('**/api/v1/runs?*', route => {
    seen.push(Date.now());
    route.fulfill({ status: 503, contentType: 'application/json', headers: { 'Retry-After': '1' },
      body: JSON.stringify({ error: { code: 'DB_CIRCUIT_OPEN', message: 'database circuit breaker is open, retry later',
        retryable: true, retry_after_ms: 1000 } }) });
  });
  await page.goto(url + '/#/runs');
  await page.locator('#banner[data-code="DB_CIRCUIT_OPEN"]').waitFor({ timeout: 20 * T });
  const text = await page.locator('#banner').innerText();
  log('degraded banner:', text);
  await shot(page, 'degraded');
  const t0 = Date.now();
  await page.waitForFunction(() => document.querySelector('#banner').textContent.includes('next try'), null, { timeout: 30 * T });
  const span = Date.now() - seen[0];
  log('requests while degraded:', seen.length, 'over', span, 'ms');
  for (let i = 1; i < seen.length; i++) {
    if (seen[i] - seen[i - 1] < 900) {
      throw new Error('retried sooner than the 1 s hint: ' + JSON.stringify(seen.map(s => s - seen[0])));
    }
  }
  await page.unroute('**/api/v1/runs?*');
  await page.locator('#banner').waitFor({ state: 'hidden', timeout: 90 * T });
  log('recovered after', Date.now() - t0, 'ms');

  // the admin views ask for the admin token even with auth off
  await page.click('nav a[data-nav="cluster"]');
  await giveToken(page);
  await page.locator('#recommendation').waitFor({ timeout: 30 * T });
  await page.locator('#queue-charts svg').first().waitFor({ timeout: 30 * T });
  await shot(page, 'cluster');
  await page.click('nav a[data-nav="runners"]');
  await page.locator('#runners-live tr').nth(1).waitFor({ timeout: 30 * T });
  await shot(page, 'runners');
  await page.click('nav a[data-nav="dead-letters"]');
  await page.locator('#dead-letters').waitFor({ state: 'attached', timeout: 30 * T });
}

async function cluster(page) {
  await page.goto(url + '/');
  await giveToken(page); // auth is on: the runs list answered 401
  await page.locator('#runs').waitFor({ state: 'attached', timeout: 30 * T });
  await page.click('nav a[data-nav="runners"]');
  await page.waitForFunction(() => document.querySelectorAll('#runners-live tr').length === 2, null, { timeout: 60 * T });
  const before = await page.locator('#runners-live tr').evaluateAll(rows => rows.map(r => r.dataset.runner));
  log('live runners:', before.join(', '));
  await shot(page, 'runners-cluster');
  console.log('READY');
  await page.waitForFunction(() => document.querySelectorAll('#runners-live tr').length === 1, null, { timeout: 180 * T });
  const after = await page.locator('#runners-live tr').evaluateAll(rows => rows.map(r => r.dataset.runner));
  const gone = before.filter(r => !after.includes(r));
  await page.locator(`#runners-gone tr[data-runner="${gone[0]}"]`).waitFor({ timeout: 10 * T });
  log('runner left the live view:', gone.join(', '), '(still live:', after.join(', ') + ')');
  console.log('RUNNER_LEFT ' + gone[0]);
  await shot(page, 'runner-killed');
  await page.click('nav a[data-nav="drills"]');
  await page.locator('li.drill[data-verdict="PASS"], li.drill[data-verdict="FAIL"]').first().waitFor({ timeout: 300 * T });
  log('drill in the timeline:', (await page.locator('li.drill').first().innerText()).replace(/\s+/g, ' '));
  await shot(page, 'drills');
  await page.click('nav a[data-nav="cluster"]');
  await page.locator('#recommendation').waitFor({ timeout: 30 * T });
  await page.locator('#services tr').nth(3).waitFor({ timeout: 30 * T });
  await shot(page, 'cluster-processes');
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'] });
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('pageerror', e => log('page error:', e.message));
  page.on('console', m => { if (m.type() === 'error') { log('console error:', m.text()); } });
  await (mode === 'cluster' ? cluster(page) : local(page));
  log('PASS', mode);
} catch (e) {
  code = 1;
  log('FAIL', mode, e.stack || e);
} finally {
  await browser.close();
}
process.exit(code);
