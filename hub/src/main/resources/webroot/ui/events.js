// Reads GET /admin/api/events?since=SEQ (JSON lines: a header, the events in chain order, an end line)
// as a stream, handing each event to onEvent; returns the last seq seen, for the next read.
export async function readEvents(session, since, onEvent) {
  const res = await fetch('/admin/api/events?since=' + since, { headers: session.authHeaders() });
  if (!res.ok) {
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    const err = (body && body.error) || { code: 'HTTP_' + res.status, message: res.statusText, retryable: res.status >= 500 };
    throw Object.assign(new Error(err.message), err, { retryAfterMs: err.retry_after_ms });
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  let last = since;
  let complete = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    rest += value;
    const lines = rest.split('\n');
    rest = lines.pop();
    for (const line of lines) {
      if (!line) {
        continue;
      }
      const o = JSON.parse(line);
      if (o.reach_event_export_end) {
        complete = true;
      } else if (typeof o.seq === 'number') {
        onEvent(o);
        last = Math.max(last, o.seq);
      }
    }
  }
  if (!complete) {
    // cut off: what was read is kept (events are append-only), the next read continues after it
    throw Object.assign(new Error('event export cut off after seq ' + last), { code: 'EXPORT_CUT_OFF', retryable: true });
  }
  return last;
}
