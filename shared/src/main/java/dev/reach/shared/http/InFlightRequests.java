package dev.reach.shared.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Counts the requests being answered, so that a stop can let them finish before it closes the
 * server. Mounted as the router's first handler; owned by the server's event loop (every request and
 * {@link #idle} run there). Once a stop waits for them, every answer still to be written says
 * {@code Connection: close}: the server closes its connections when idle, and a client that kept one
 * for its next request would race that close and get no answer at all. {@link #active()} may be read
 * from any thread.
 */
public final class InFlightRequests implements Handler<RoutingContext> {
  private volatile int active; // written only on the server's event loop
  private Promise<Void> idle;
  private boolean stopping;

  @Override
  public void handle(RoutingContext ctx) {
    active++;
    ctx.addEndHandler(v -> ended());
    ctx.addHeadersEndHandler(v -> {
      if (stopping) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
      }
    });
    ctx.next();
  }

  private void ended() {
    active--;
    if (active == 0 && idle != null) {
      idle.tryComplete();
    }
  }

  public int active() {
    return active;
  }

  /** Completes when no request is in flight, or after {@code timeoutMs} (then with some still running). */
  public Future<Void> idle(Vertx vertx, long timeoutMs) {
    stopping = true;
    if (active == 0) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
      long timer = vertx.setTimer(Math.max(1, timeoutMs), id -> idle.tryComplete());
      idle.future().onComplete(x -> vertx.cancelTimer(timer));
    }
    return idle.future();
  }
}
