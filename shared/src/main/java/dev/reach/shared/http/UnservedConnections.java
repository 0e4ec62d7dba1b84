package dev.reach.shared.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.HashSet;
import java.util.Set;

/**
 * The connections a server accepted that have not sent a request yet. Vert.x's graceful shutdown closes
 * an HTTP/1.1 connection with no request in progress at once, so a client whose connection was accepted
 * a moment before the shutdown, and whose request bytes were not read yet, gets no answer at all. A
 * stop waits (bounded) for a moment when there is none and shuts the server down in that same turn of
 * its event loop. Owned by the server's event loop, like {@link InFlightRequests}: install with
 * {@link #attach} before {@code listen}, and wrap the request handler with {@link #served}.
 */
public final class UnservedConnections {
  private final Set<HttpConnection> unserved = new HashSet<>();

  /** Tracks every connection {@code server} accepts. */
  public HttpServer attach(HttpServer server) {
    return server.connectionHandler(conn -> {
      unserved.add(conn);
      conn.closeHandler(v -> unserved.remove(conn));
    });
  }

  /** {@code handler}, first noting that the request's connection has sent one. */
  public Handler<HttpServerRequest> served(Handler<HttpServerRequest> handler) {
    return req -> {
      unserved.remove(req.connection());
      handler.handle(req);
    };
  }

  public int count() {
    return unserved.size();
  }

  /**
   * Completes on the event loop in a turn where no accepted connection waits for its first request, or
   * after {@code timeoutMs} (then with some still waiting); checked every {@code pollMs}.
   */
  public Future<Void> none(Vertx vertx, long timeoutMs, long pollMs) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    check(vertx, done, deadline, Math.max(1, pollMs));
    return done.future();
  }

  private void check(Vertx vertx, Promise<Void> done, long deadline, long pollMs) {
    if (unserved.isEmpty() || System.nanoTime() - deadline >= 0) {
      done.complete();
    } else {
      vertx.setTimer(pollMs, id -> check(vertx, done, deadline, pollMs));
    }
  }
}
