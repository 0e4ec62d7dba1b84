// Live updates by polling: load() runs, then the next run is scheduled — never an interval timer, so
// calls never overlap. A failure waits longer each time (doubling up to maxDelayMs) and never less
// than the server's retry hint; a hidden tab is not polled at all until it is shown again.

export class Poller {
  /**
   * load        async function doing one refresh
   * intervalMs  the wait after a success
   * onError     told (error, nextInMs) after a failure (the page shows the degraded state)
   * onOk        told () after a success following failures
   */
  constructor({ load, intervalMs, onError = () => {}, onOk = () => {}, maxDelayMs = 60000 }) {
    this.load = load;
    this.intervalMs = intervalMs;
    this.onError = onError;
    this.onOk = onOk;
    this.maxDelayMs = maxDelayMs;
    this.failures = 0;
    this.timer = null;
    this.running = false;
    this.stopped = true;
    this.visibility = () => {
      if (!document.hidden && this.timer === null && !this.running && !this.stopped) {
        this.tick();
      }
    };
  }

  start() {
    this.stopped = false;
    document.addEventListener('visibilitychange', this.visibility);
    this.tick();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    document.removeEventListener('visibilitychange', this.visibility);
  }

  /** Refresh now (after a user action), unless one is under way. */
  now() {
    if (!this.running && !this.stopped) {
      clearTimeout(this.timer);
      this.timer = null;
      this.tick();
    }
  }

  async tick() {
    this.timer = null;
    if (this.stopped || document.hidden) {
      return; // resumed by the visibility listener
    }
    this.running = true;
    let next = this.intervalMs;
    try {
      await this.load();
      if (this.failures > 0) {
        this.failures = 0;
        this.onOk();
      }
    } catch (err) {
      this.failures++;
      const backoff = Math.min(this.maxDelayMs, this.intervalMs * Math.pow(2, this.failures));
      next = Math.max(backoff, err && err.retryAfterMs ? err.retryAfterMs : 0);
      this.onError(err, next);
    } finally {
      this.running = false;
    }
    if (!this.stopped) {
      this.timer = setTimeout(() => this.tick(), next);
    }
  }
}
