package dev.reach.hub;

import dev.reach.shared.audit.ExportLines;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Streams the event log to one HTTP response ({@link ExportLines}): pages from an orchestrator,
 * one in flight at a time, the next asked for only when the response can take more
 * (backpressure), so memory stays one page however long the log. The first page's reply names the
 * chain head; every later page is sealed up to the same head.
 *
 * <p>A failure before the first byte answers in the error contract. Once the stream has begun a
 * failure resets the connection, and the end line is written only after the last event, so a
 * cut-off export never looks complete. Everything runs on the request's event loop.
 */
final class EventExport {
  static final String CONTENT_TYPE = "application/x-ndjson; charset=utf-8";
  static final int PAGE = 1_000;
  private static final Logger LOG = Logger.getLogger(EventExport.class.getName());
  private static final Buffer NL = Buffer.buffer("\n");

  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final OrchestratorClient orchestrator;
  private final long since;
  private final String runId;

  private long after;
  private Long sealedThrough;
  private long events;
  private long sealed;
  private boolean done;

  EventExport(RoutingContext ctx, OrchestratorClient orchestrator, long since, String runId) {
    this.ctx = ctx;
    this.response = ctx.response();
    this.orchestrator = orchestrator;
    this.since = since;
    this.runId = runId;
    this.after = since;
  }

  void start() {
    response.closeHandler(v -> close());
    response.exceptionHandler(t -> close());
    fetch();
  }

  private void fetch() {
    orchestrator.eventsPage(after, PAGE, runId, sealedThrough).onComplete(ar -> {
      if (done) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      try {
        onPage(ar.result());
      } catch (RuntimeException e) {
        fail(e);
      }
    });
  }

  private void onPage(JsonObject page) {
    JsonArray list = page.getJsonArray("events");
    if (list == null) {
      throw new IllegalStateException("malformed events page: no 'events'");
    }
    Buffer out = Buffer.buffer(list.size() * 512 + 256);
    if (sealedThrough == null) {
      JsonObject head = page.getJsonObject("head");
      sealedThrough = head == null ? 0 : head.getLong("seq");
      response.setStatusCode(200)
          .setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader("X-Content-Type-Options", "nosniff");
      out.appendBuffer(ExportLines.header(since, runId, head).toBuffer()).appendBuffer(NL);
    }
    for (int i = 0; i < list.size(); i++) {
      JsonObject e = list.getJsonObject(i);
      out.appendBuffer(e.toBuffer()).appendBuffer(NL);
      after = e.getLong("seq");
      events++;
      if (e.getValue("hash") != null) {
        sealed++;
      }
    }
    if (!page.getBoolean("more", false)) {
      out.appendBuffer(ExportLines.end(events, sealed).toBuffer()).appendBuffer(NL);
      done = true;
      response.end(out);
      return;
    }
    response.write(out);
    if (response.writeQueueFull()) {
      response.drainHandler(v -> {
        response.drainHandler(null);
        if (!done) {
          fetch();
        }
      });
    } else {
      fetch();
    }
  }

  private void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    response.drainHandler(null);
    if (response.headWritten()) {
      LOG.log(Level.INFO, "event export cut off after seq " + after + " (" + events + " event(s) written): "
          + t.getMessage());
      response.reset();
    } else {
      ctx.fail(t);
    }
  }

  /** The client went away: stop asking for pages. */
  private void close() {
    done = true;
    response.drainHandler(null);
  }
}
