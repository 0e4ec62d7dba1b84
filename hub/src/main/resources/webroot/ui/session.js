// The dashboard's one API client, its token and the status banner. Every view calls the API through
// reach-api.js (degraded answers retried as their hint says, with backoff, a bounded number of times);
// what happens meanwhile, and when it gives up, is shown in the banner instead of a blank page.
import { ReachApi } from '/reach-api.js';

const TOKEN_KEY = 'reach-token';

export class Session {
  constructor(bannerEl, tokenForm) {
    this.bannerEl = bannerEl;
    this.tokenForm = tokenForm;
    this.tokenListeners = [];
    this.api = new ReachApi({
      token: sessionStorage.getItem(TOKEN_KEY) || null,
      maxAttempts: 3,
      onDegraded: d => this.degraded(d.code, d.message, d.retryInMs, 'retrying')
    });
    tokenForm.addEventListener('submit', e => {
      e.preventDefault();
      const value = tokenForm.querySelector('input').value.trim();
      this.api.token = value || null;
      sessionStorage.setItem(TOKEN_KEY, value);
      tokenForm.hidden = true;
      this.tokenListeners.forEach(f => f());
    });
  }

  json(path, init) {
    return this.api.json(path, init);
  }

  /** Headers for a request made without reach-api.js (the log stream). */
  authHeaders() {
    return this.api.token ? { 'Authorization': 'Bearer ' + this.api.token } : {};
  }

  onToken(f) {
    this.tokenListeners.push(f);
    return () => { this.tokenListeners = this.tokenListeners.filter(g => g !== f); };
  }

  /** Shows the token form when the error says a (better) token is needed; true if it did. */
  needsToken(err, why) {
    if (err && (err.code === 'UNAUTHORIZED' || err.code === 'FORBIDDEN')) {
      this.tokenForm.querySelector('.why').textContent = why || err.message;
      this.tokenForm.hidden = false;
      return true;
    }
    return false;
  }

  degraded(code, message, retryInMs, what) {
    this.bannerEl.hidden = false;
    this.bannerEl.className = 'banner degraded';
    this.bannerEl.dataset.code = code;
    this.bannerEl.textContent = 'Degraded: ' + code + ' — ' + message + ' · ' + what + ' in '
        + (Math.round(retryInMs / 100) / 10) + ' s';
  }

  /** A poller's failure: the banner says what failed and when the next try is. */
  failed(err, nextInMs, what) {
    if (this.needsToken(err, what + ' needs a token: ' + err.message)) {
      this.bannerEl.hidden = true;
      return;
    }
    this.degraded(err.code, err.message, nextInMs, (err.retryable ? 'gave up for now; next try' : 'next try'));
  }

  ok() {
    this.bannerEl.hidden = true;
    delete this.bannerEl.dataset.code;
  }
}
