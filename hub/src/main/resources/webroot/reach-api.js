// The browser's way to Reach's JSON API: every page calls the API through this module, so a
// degraded backend's answers (503/504 with the error contract's "retryable" and "retry_after_ms",
// or a Retry-After header) are honoured the same way everywhere: wait at least the hint, back off
// exponentially, give up after a bounded number of tries, and tell the page what is happening
// instead of retrying in a tight loop.

export class ReachApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || ('HTTP ' + status));
    this.status = status;
    this.code = (error && error.code) || 'HTTP_' + status;
    this.field = error && error.field;
    this.retryable = !!(error && error.retryable);
    this.retryAfterMs = error && typeof error.retry_after_ms === 'number' ? error.retry_after_ms : null;
  }
}

export class ReachApi {
  /**
   * @param {object} options
   *   baseUrl     prefix of every path ('' in the browser: same origin)
   *   maxAttempts tries per call, the first included (default 5)
   *   minDelayMs  the smallest wait between tries (default 500): never a tight loop
   *   maxDelayMs  the largest wait between tries (default 30000)
   *   onDegraded  told {code, message, attempt, retryInMs} before each wait
   *   token       a bearer token (auth on: every API call needs one)
   *   fetchImpl, sleep, random: injectable for tests
   */
  constructor(options = {}) {
    this.baseUrl = options.baseUrl || '';
    this.maxAttempts = options.maxAttempts || 5;
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30000;
    this.onDegraded = options.onDegraded || (() => {});
    this.token = options.token || null;
    this.fetchImpl = options.fetchImpl || ((...a) => globalThis.fetch(...a));
    this.sleep = options.sleep || (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.random = options.random || Math.random;
  }

  /** The wait before try number attempt + 1: the server's hint, at least an exponential backoff with jitter. */
  delayFor(attempt, hintMs) {
    const backoff = Math.min(this.maxDelayMs, this.minDelayMs * Math.pow(2, attempt - 1));
    const jittered = backoff * (0.75 + 0.5 * this.random());
    return Math.round(Math.min(this.maxDelayMs, Math.max(this.minDelayMs, hintMs || 0, jittered)));
  }

  async json(path, init = {}) {
    const headers = Object.assign({ 'Accept': 'application/json' }, init.headers || {});
    if (this.token) {
      headers['Authorization'] = 'Bearer ' + this.token;
    }
    let last = null;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      let res;
      try {
        res = await this.fetchImpl(this.baseUrl + path, Object.assign({}, init, { headers }));
      } catch (networkError) {
        // the hub itself cannot be reached: as retryable as a 503, with no hint
        last = new ReachApiError(0, { code: 'HUB_UNREACHABLE', message: String(networkError), retryable: true });
        if (attempt < this.maxAttempts) {
          await this.wait(last, attempt, null);
        }
        continue;
      }
      let body = null;
      try {
        body = await res.json();
      } catch (e) {
        body = null;
      }
      if (res.ok) {
        return body;
      }
      last = new ReachApiError(res.status, body && body.error);
      const retryAfterHeader = res.headers && res.headers.get ? res.headers.get('Retry-After') : null;
      const hintMs = last.retryAfterMs ?? (retryAfterHeader ? Number(retryAfterHeader) * 1000 : null);
      if (!last.retryable || attempt === this.maxAttempts) {
        throw last;
      }
      await this.wait(last, attempt, hintMs);
    }
    throw last;
  }

  async wait(error, attempt, hintMs) {
    const retryInMs = this.delayFor(attempt, hintMs);
    this.onDegraded({ code: error.code, message: error.message, attempt, retryInMs });
    await this.sleep(retryInMs);
  }
}
