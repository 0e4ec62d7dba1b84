package dev.reach.shared.alert;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * POSTs each alert's JSON ({@link Alert#toJson()}) to {@code REACH_ALERT_WEBHOOK_URL}. Each try is
 * bounded by {@code REACH_ALERT_WEBHOOK_TIMEOUT_MS}; a connection failure, a timeout, a 5xx, 408 or
 * 429 is tried again after {@code REACH_ALERT_WEBHOOK_BACKOFF_MS}, doubling (capped at
 * {@link #MAX_BACKOFF_MS}), up to {@code REACH_ALERT_WEBHOOK_TRIES} tries in all; any other answer
 * (a 4xx) is final. Non-blocking: a send is a Vert.x HTTP request and timers.
 */
public final class WebhookChannel implements AlertChannel {
  private static final Logger LOG = Logger.getLogger(WebhookChannel.class.getName());
  public static final long MAX_BACKOFF_MS = 30_000;

  /** Where and how hard to try. */
  public record Settings(String url, long timeoutMs, int tries, long backoffMs) {
    public Settings {
      if (tries < 1) {
        throw new IllegalArgumentException("tries must be at least 1");
      }
    }
  }

  private final Vertx vertx;
  private final Settings settings;
  private final HttpClientAgent client;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong attempts = new AtomicLong();
  private final AtomicLong givenUp = new AtomicLong();

  public WebhookChannel(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMs()))
        .setKeepAlive(false));
  }

  @Override
  public String name() {
    return "webhook";
  }

  @Override
  public Future<Void> send(Alert alert) {
    Promise<Void> done = Promise.promise();
    attempt(alert, 1, done);
    return done.future();
  }

  private void attempt(Alert alert, int tryNo, Promise<Void> done) {
    attempts.incrementAndGet();
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setAbsoluteURI(settings.url())
        .setConnectTimeout(settings.timeoutMs())
        .setIdleTimeout(settings.timeoutMs())
        .putHeader("Content-Type", "application/json");
    client.request(options)
        .compose(req -> req.send(alert.toJson().toBuffer()))
        .compose(resp -> resp.body().map(b -> resp.statusCode()))
        .timeout(settings.timeoutMs(), TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() / 100 == 2) {
            delivered.incrementAndGet();
            done.tryComplete();
            return;
          }
          String why = ar.succeeded() ? "HTTP " + ar.result() : ar.cause().getClass().getSimpleName() + ": "
              + ar.cause().getMessage();
          boolean retryable = ar.failed() || ar.result() >= 500 || ar.result() == 408 || ar.result() == 429;
          if (retryable && tryNo < settings.tries()) {
            long delay = backoff(tryNo);
            LOG.fine("alert webhook try " + tryNo + " for " + alert.alert() + " failed (" + why + "); again in " + delay + " ms");
            vertx.setTimer(delay, t -> attempt(alert, tryNo + 1, done));
            return;
          }
          givenUp.incrementAndGet();
          LOG.warning("alert webhook gave up on " + alert.alert() + " after " + tryNo + " tr" + (tryNo == 1 ? "y" : "ies")
              + ": " + why);
          done.tryFail("alert webhook: " + why);
        });
  }

  long backoff(int tryNo) {
    long d = settings.backoffMs();
    for (int i = 1; i < tryNo && d < MAX_BACKOFF_MS; i++) {
      d *= 2;
    }
    return Math.max(1, Math.min(MAX_BACKOFF_MS, d));
  }

  /** Deliveries, tries and give-ups so far (for describe()). */
  public io.vertx.core.json.JsonObject describe() {
    return new io.vertx.core.json.JsonObject()
        .put("delivered", delivered.get())
        .put("tries", attempts.get())
        .put("given_up", givenUp.get())
        .put("max_tries", settings.tries())
        .put("timeout_ms", settings.timeoutMs());
  }

  public Future<Void> close() {
    return client.close();
  }
}
