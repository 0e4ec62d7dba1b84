// Follows one job attempt's log live: GET .../log?follow=true streams until the attempt ends (the hub
// reads the log store by offset). The text is appended as it arrives; when the stream ends early
// (hub restarting, network) it reconnects after a growing pause and replaces the text with a fresh read.

export function followLog({ session, runId, job, attempt, pre, onState }) {
  const controller = new AbortController();
  let stopped = false;
  let failures = 0;
  const path = '/api/v1/runs/' + encodeURIComponent(runId) + '/jobs/' + encodeURIComponent(job) + '/log?'
      + (attempt ? 'attempt=' + attempt + '&' : '') + 'follow=true';

  async function once() {
    const res = await fetch(path, { headers: session.authHeaders(), signal: controller.signal });
    if (!res.ok) {
      let body = null;
      try { body = await res.json(); } catch (e) { body = null; }
      const err = (body && body.error) || { code: 'HTTP_' + res.status, message: res.statusText, retryable: res.status >= 500 };
      throw Object.assign(new Error(err.message), err, { retryAfterMs: err.retry_after_ms });
    }
    pre.textContent = '';
    onState('following');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      pre.textContent += value;
      pre.scrollTop = pre.scrollHeight;
      failures = 0;
    }
  }

  (async () => {
    while (!stopped) {
      try {
        await once();
        onState('ended');
        return; // the attempt ended: the whole log is here
      } catch (err) {
        if (stopped || err.name === 'AbortError') {
          return;
        }
        if (err.code === 'LOG_NOT_FOUND' || err.code === 'ATTEMPT_NOT_FOUND') {
          onState('no log yet (' + err.code + ')'); // not started: the run page polls and re-opens it
          return;
        }
        if (!err.retryable && err.code && !err.code.startsWith('HTTP_')) {
          onState('error ' + err.code + ': ' + err.message);
          return;
        }
        failures++;
        const wait = Math.max(err.retryAfterMs || 0, Math.min(30000, 1000 * Math.pow(2, failures)));
        onState('stream cut (' + (err.code || err.message) + '); reconnecting in ' + Math.round(wait / 1000) + ' s');
        await new Promise(r => setTimeout(r, wait));
      }
    }
  })();

  return () => {
    stopped = true;
    controller.abort();
  };
}
