package dev.reach.hub;

import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Streams one attempt's log to one HTTP response, slice by slice from the artifact store, as
 * {@code text/plain}. Only one slice is in flight at a time and the next is asked for only when the
 * response can take more (backpressure), so a slow reader holds up nothing but itself.
 *
 * <p>Without follow the stream ends at the end of what is stored. With follow it waits for new
 * bytes (100 ms backing off to 1 s) and ends when the log is sealed and fully read, or when the
 * attempt is no longer live (checked with the orchestrator at most once a second) and a read after
 * that shows no new bytes. A job never leased yet gives an empty log, or with follow is waited for.
 *
 * <p>Failures before the first byte answer in the error contract; once the stream has begun a
 * failure resets the connection, so a client never mistakes a cut-off log for a complete one.
 * A followed stream that would wait while the hub drains ends that way ({@code SHUTTING_DOWN}),
 * so it never holds up the hub's stop; the client follows again elsewhere.
 * Everything runs on the request's event loop.
 */
final class LogStream {
  static final long MIN_WAIT_MS = 100;
  static final long MAX_WAIT_MS = 1_000;
  static final long RUN_CHECK_INTERVAL_MS = 1_000;
  static final String TEXT = "text/plain; charset=utf-8";
  private static final Logger LOG = Logger.getLogger(LogStream.class.getName());

  private final Vertx vertx;
  private final RoutingContext ctx;
  private final HttpServerResponse response;
  private final OrchestratorClient orchestrator;
  private final ArtifactStoreClient store;
  private final String runId;
  private final String jobName;
  private final Integer requestedAttempt;
  private final boolean follow;
  private final LogStreamStats stats;
  private final BooleanSupplier draining;
  private final Backoff backoff = new Backoff(MIN_WAIT_MS, MAX_WAIT_MS);

  private LogTarget target;
  private long offset;
  /** The attempt was seen not live; the next read that finds nothing new ends the stream. */
  private boolean endObserved;
  private long lastRunCheckNanos;
  private long timerId = -1;
  private boolean done;

  LogStream(Vertx vertx, RoutingContext ctx, OrchestratorClient orchestrator, ArtifactStoreClient store,
      String runId, String jobName, Integer requestedAttempt, boolean follow, LogStreamStats stats,
      BooleanSupplier draining) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.response = ctx.response();
    this.orchestrator = orchestrator;
    this.store = store;
    this.runId = runId;
    this.jobName = jobName;
    this.requestedAttempt = requestedAttempt;
    this.follow = follow;
    this.stats = stats;
    this.draining = draining;
  }

  void start() {
    stats.opened();
    response.closeHandler(v -> abandon());
    response.exceptionHandler(t -> abandon());
    locate();
  }

  /** Finds the attempt to read (again, while waiting for a first lease). */
  private void locate() {
    fetchRun().onComplete(ar -> {
      if (done) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      try {
        LogTarget.requireNotPurged(ar.result());
        JsonObject job = LogTarget.job(ar.result(), jobName);
        target = LogTarget.select(job, requestedAttempt);
        if (target == null) {
          if (!follow || LogTarget.finishedWithoutAttempt(job)) {
            finish();
          } else {
            writeHead();
            schedule(RUN_CHECK_INTERVAL_MS, this::locate);
          }
          return;
        }
        endObserved = !target.live();
        readNext();
      } catch (RuntimeException e) {
        fail(e);
      }
    });
  }

  private void readNext() {
    if (done) {
      return;
    }
    if (response.writeQueueFull()) {
      stats.waitedForSlowReader();
      response.drainHandler(v -> {
        response.drainHandler(null);
        readNext();
      });
      return;
    }
    store.readLog(target.jobId(), target.attempt(), offset).onComplete(ar -> {
      if (done) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
      } else {
        onSlice(ar.result());
      }
    });
  }

  private void onSlice(LogSlice slice) {
    int n = slice.data().length;
    if (n > 0) {
      offset += n;
      backoff.reset();
      writeHeadIfNeeded();
      response.write(Buffer.buffer(slice.data()));
      if (!slice.readUpTo(offset)) {
        readNext();
        return;
      }
    }
    // Everything stored so far has been read.
    if (!follow || slice.sealed() || endObserved) {
      finish();
      return;
    }
    writeHead();
    if (System.nanoTime() - lastRunCheckNanos >= TimeUnit.MILLISECONDS.toNanos(RUN_CHECK_INTERVAL_MS)) {
      checkLiveness();
    } else {
      schedule(backoff.next(), this::readNext);
    }
  }

  /** Asks the orchestrator whether the attempt still holds its lease; an unreachable orchestrator changes nothing. */
  private void checkLiveness() {
    fetchRun().onComplete(ar -> {
      if (done) {
        return;
      }
      if (ar.succeeded() && !stillLive(ar.result())) {
        endObserved = true;
        readNext(); // one more read for bytes written before the attempt ended
        return;
      }
      if (ar.failed()) {
        LOG.log(Level.FINE, "liveness check for a followed log failed; still following", ar.cause());
      }
      schedule(backoff.next(), this::readNext);
    });
  }

  private boolean stillLive(JsonObject run) {
    try {
      return LogTarget.isLive(LogTarget.job(run, jobName), target.attempt());
    } catch (ReachException e) {
      return false;
    }
  }

  private Future<JsonObject> fetchRun() {
    lastRunCheckNanos = System.nanoTime();
    return orchestrator.getRun(runId);
  }

  private void schedule(long delayMs, Runnable next) {
    if (draining.getAsBoolean()) {
      fail(ShutdownGate.shuttingDown());
      return;
    }
    timerId = vertx.setTimer(delayMs, id -> {
      timerId = -1;
      next.run();
    });
  }

  private void writeHeadIfNeeded() {
    if (!response.headWritten()) {
      response.setStatusCode(200)
          .setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, TEXT)
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader("X-Content-Type-Options", "nosniff");
      if (target != null) {
        response.putHeader("X-Reach-Attempt", String.valueOf(target.attempt()));
      }
    }
  }

  /** Sends the headers now, so a following client knows the stream is open while it waits. */
  private void writeHead() {
    if (!response.headWritten()) {
      writeHeadIfNeeded();
      response.writeHead();
    }
  }

  private void finish() {
    if (close()) {
      writeHeadIfNeeded();
      response.end();
    }
  }

  private void fail(Throwable t) {
    if (close()) {
      if (response.headWritten()) {
        LOG.log(Level.INFO, "log stream of run " + runId + " job " + jobName + " cut off at offset " + offset
            + ": " + t.getMessage());
        response.reset();
      } else {
        ctx.fail(t);
      }
    }
  }

  /** The client went away: stop reading. */
  private void abandon() {
    close();
  }

  /** Marks the stream done once; true for the caller that did it. */
  private boolean close() {
    if (done) {
      return false;
    }
    done = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
    response.drainHandler(null);
    stats.closed();
    return true;
  }
}
