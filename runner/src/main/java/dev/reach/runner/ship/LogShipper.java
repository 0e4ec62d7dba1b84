package dev.reach.runner.ship;

import dev.reach.runner.retry.RetryPolicy;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.logging.Logger;

/**
 * Streams one attempt's output to the artifact store while the job runs: bytes gather in a buffer
 * (filled by the output reader thread) and go out in order, one request at a time, at most every
 * {@code flushMs} or at once past {@code CHUNK}. {@link #finish()} sends the rest and seals the log
 * — for a short job that is the only request.
 *
 * <p>A store that is down or answers {@code 503} is waited out: while the job runs the chunk is
 * retried with capped exponential backoff and full jitter for as long as the failure is
 * retryable, with memory bounded by {@code MAX_BUFFERED} (past it the reader thread waits, and so
 * the job's output). Once the job has ended, {@code retry.tries()} more tries at most; then the log
 * is recorded {@code missing} — it never holds up or fails the job. A {@code STALE_LEASE} answer
 * means the attempt is no longer current: shipping stops at once and {@code onStale} runs (the
 * runner kills the job).
 */
public final class LogShipper {
  private static final Logger LOG = Logger.getLogger(LogShipper.class.getName());
  static final int CHUNK = 64 * 1024;
  /** Past this the reader thread waits for the store (the job then blocks on its output). */
  static final int MAX_BUFFERED = 4 * 1024 * 1024;

  private final Context context;
  private final ArtifactClient client;
  private final String jobId;
  private final int attempt;
  private final long token;
  private final long flushMs;
  private final RetryPolicy retry;
  private final Runnable onStale;

  private final Object lock = new Object();
  private Buffer pending = Buffer.buffer();
  private long sentOffset; // bytes the store has acknowledged (context thread only)
  private boolean inFlight; // context thread only
  private boolean flushScheduled; // guarded by lock
  private boolean missing; // guarded by lock
  private Promise<JsonObject> sealed; // context thread only
  private String missingReason; // context thread only
  private int failuresSinceFinish; // context thread only
  private boolean paused; // context thread only: the store is failing, logged once per episode

  public LogShipper(Context context, ArtifactClient client, String jobId, int attempt, long token, long flushMs,
      RetryPolicy retry, Runnable onStale) {
    this.context = context;
    this.client = client;
    this.jobId = jobId;
    this.attempt = attempt;
    this.token = token;
    this.flushMs = flushMs;
    this.retry = retry;
    this.onStale = onStale;
  }

  /** Called by the output reader thread. */
  public void append(byte[] bytes, int len) {
    boolean schedule;
    synchronized (lock) {
      while (pending.length() >= MAX_BUFFERED && !missing) {
        try {
          lock.wait(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (missing) {
        return;
      }
      pending.appendBytes(bytes, 0, len);
      schedule = !flushScheduled;
      flushScheduled = true;
    }
    if (schedule) {
      context.runOnContext(v -> context.owner().setTimer(flushMs, t -> flush()));
    }
  }

  /** Sends what is left and seals the log; resolves to the log metadata for the completion report. */
  public Future<JsonObject> finish() {
    if (sealed != null) {
      return sealed.future();
    }
    sealed = Promise.promise();
    if (missing()) {
      sealed.complete(missingMeta());
    } else {
      flush();
    }
    return sealed.future();
  }

  private void flush() {
    synchronized (lock) {
      flushScheduled = false;
    }
    if (inFlight || missing()) {
      return; // the answer of the request in flight calls flush again
    }
    Buffer chunk;
    boolean last;
    synchronized (lock) {
      int n = Math.min(pending.length(), CHUNK);
      last = sealed != null && n == pending.length();
      if (n == 0 && !last) {
        return;
      }
      chunk = pending.getBuffer(0, n);
    }
    inFlight = true;
    send(chunk, last, 1);
  }

  private void send(Buffer chunk, boolean last, int tryNo) {
    if (missing()) {
      inFlight = false;
      return;
    }
    client.appendLog(jobId, attempt, token, sentOffset, chunk, last).onComplete(ar -> {
      if (ar.succeeded()) {
        if (paused) {
          paused = false;
          LOG.info("log of job " + jobId + " attempt " + attempt + " shipping again after " + tryNo + " tries");
        }
        acknowledge(chunk.length());
        inFlight = false;
        if (last) {
          JsonObject r = ar.result();
          sealed.tryComplete(new JsonObject()
              .put("size", r.getLong("size"))
              .put("sha256", r.getString("sha256"))
              .put("truncated", r.getBoolean("truncated", false)));
        } else if (sealed != null || pendingLength() >= CHUNK) {
          flush();
        }
        return;
      }
      if (ar.cause() instanceof ArtifactClient.OffsetMismatch om) {
        resync(om, chunk);
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.code() == ErrorCode.STALE_LEASE) {
        giveUp("STALE_LEASE: " + e.getMessage());
        onStale.run();
        return;
      }
      boolean mayRetry = e.retryable() && (sealed == null || retry.mayRetry(++failuresSinceFinish));
      if (!mayRetry) {
        giveUp(e.code() + ": " + e.getMessage());
        return;
      }
      if (!paused) {
        paused = true;
        LOG.warning("log of job " + jobId + " attempt " + attempt + " not shipped (" + e.code() + ": " + e.getMessage()
            + "); retrying with backoff, buffering up to " + MAX_BUFFERED + " bytes");
      }
      long delay = Math.max(1, retry.backoff().delay(Math.min(tryNo, 30)));
      context.owner().setTimer(delay, t -> send(chunk, last, tryNo + 1));
    });
  }

  /**
   * The store holds a different length than we think. Less than we sent: it lost bytes we no
   * longer have — the log is missing. More, within this chunk: an earlier try of it was stored but
   * its answer was lost — skip what it has and go on.
   */
  private void resync(ArtifactClient.OffsetMismatch om, Buffer chunk) {
    long have = om.size() - sentOffset;
    if (have < 0) {
      giveUp("the artifact store lost part of the log (" + om.size() + " of " + sentOffset + " bytes)");
    } else if (have > chunk.length()) {
      giveUp("the artifact store holds more of the log than was sent (" + om.size() + " > " + (sentOffset + chunk.length()) + ")");
    } else {
      acknowledge((int) have);
      inFlight = false;
      flush();
    }
  }

  private void acknowledge(int bytes) {
    sentOffset += bytes;
    synchronized (lock) {
      pending = pending.getBuffer(bytes, pending.length());
      lock.notifyAll();
    }
  }

  private int pendingLength() {
    synchronized (lock) {
      return pending.length();
    }
  }

  private void giveUp(String why) {
    LOG.warning("log of job " + jobId + " attempt " + attempt + " is missing: " + why);
    inFlight = false;
    missingReason = why;
    synchronized (lock) {
      missing = true;
      pending = Buffer.buffer();
      lock.notifyAll();
    }
    if (sealed != null) {
      sealed.tryComplete(missingMeta());
    }
  }

  private JsonObject missingMeta() {
    return new JsonObject().put("missing", true).put("size", sentOffset).put("reason", missingReason);
  }

  /** Whether the log could not be delivered. */
  public boolean missing() {
    synchronized (lock) {
      return missing;
    }
  }
}
