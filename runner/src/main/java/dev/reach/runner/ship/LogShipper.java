package dev.reach.runner.ship;

import dev.reach.shared.error.BusErrors;
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
 * — for a short job that is the only request. A store that stays unreachable makes the log
 * {@code missing}; it never holds up or fails the job.
 */
public final class LogShipper {
  private static final Logger LOG = Logger.getLogger(LogShipper.class.getName());
  static final int CHUNK = 64 * 1024;
  /** Past this the reader thread waits for the store (the job then blocks on its output). */
  static final int MAX_BUFFERED = 4 * 1024 * 1024;
  private static final int MAX_TRIES = 5;

  private final Context context;
  private final ArtifactClient client;
  private final String jobId;
  private final int attempt;
  private final long token;
  private final long flushMs;

  private final Object lock = new Object();
  private Buffer pending = Buffer.buffer();
  private long sentOffset; // bytes the store has acknowledged (context thread only)
  private boolean inFlight; // context thread only
  private boolean flushScheduled; // guarded by lock
  private boolean missing; // guarded by lock
  private Promise<JsonObject> sealed; // context thread only
  private String missingReason; // context thread only

  public LogShipper(Context context, ArtifactClient client, String jobId, int attempt, long token, long flushMs) {
    this.context = context;
    this.client = client;
    this.jobId = jobId;
    this.attempt = attempt;
    this.token = token;
    this.flushMs = flushMs;
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
    sealed = Promise.promise();
    if (missing()) {
      sealed.complete(new JsonObject().put("missing", true).put("size", sentOffset).put("error", missingReason));
    } else {
      flush();
    }
    return sealed.future();
  }

  private void flush() {
    synchronized (lock) {
      flushScheduled = false;
    }
    if (inFlight) {
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
    client.appendLog(jobId, attempt, token, sentOffset, chunk, last).onComplete(ar -> {
      if (ar.succeeded()) {
        sentOffset += chunk.length();
        synchronized (lock) {
          pending = pending.getBuffer(chunk.length(), pending.length());
          lock.notifyAll();
        }
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
      } else if (ar.cause() instanceof ArtifactClient.OffsetMismatch om && om.size() <= sentOffset) {
        // the store restarted and lost bytes we sent: what it lacks is gone from our buffer
        giveUp("the artifact store lost part of the log (" + om.size() + " of " + sentOffset + " bytes)");
      } else if (tryNo < MAX_TRIES) {
        long delay = Math.min(5_000, 200L << (tryNo - 1));
        context.owner().setTimer(delay, t -> send(chunk, last, tryNo + 1));
      } else {
        giveUp(BusErrors.classify(ar.cause()).getMessage());
      }
    });
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
      sealed.tryComplete(new JsonObject().put("missing", true).put("size", sentOffset).put("error", why));
    }
  }

  /** Whether the log could not be delivered. */
  public boolean missing() {
    synchronized (lock) {
      return missing;
    }
  }
}
