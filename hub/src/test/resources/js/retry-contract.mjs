// Drives reach-api.js (the module the hub serves to browsers) against a real HTTP server started by
// FrontendRetryContractTest, and prints one JSON line per call: what came back and the waits it made.
// Usage: node retry-contract.mjs <path to reach-api.js> <base URL>
const [, , modulePath, baseUrl] = process.argv;
const { ReachApi } = await import(modulePath);

async function call(path, options) {
  const degraded = [];
  const api = new ReachApi(Object.assign({ baseUrl, onDegraded: d => degraded.push(d) }, options));
  try {
    const body = await api.json(path);
    return { path, ok: true, body, degraded };
  } catch (e) {
    return { path, ok: false, code: e.code, status: e.status, degraded };
  }
}

const results = [];
results.push(await call('/circuit-open-twice', { maxAttempts: 5, minDelayMs: 100 }));
results.push(await call('/pool-exhausted-always', { maxAttempts: 4, minDelayMs: 100, maxDelayMs: 400 }));
results.push(await call('/invalid', { maxAttempts: 5, minDelayMs: 100 }));
for (const r of results) {
  console.log(JSON.stringify(r));
}
