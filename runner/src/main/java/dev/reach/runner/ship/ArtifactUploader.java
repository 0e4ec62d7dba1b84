package dev.reach.runner.ship;

import dev.reach.runner.retry.RetryPolicy;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Uploads an attempt's artifacts with the attempt's token. A retryable failure (store down,
 * timeout) is tried again with capped exponential backoff and full jitter, up to
 * {@code REACH_ARTIFACT_RETRY_TRIES} tries; after that, or at once for an answer no retry can
 * change ({@code STALE_LEASE}, too large, ...), the artifact is recorded as
 * {@code {"name", "missing": true, "reason": "CODE: message"}}. Never fails: the job's outcome
 * comes from its exit code, not from its artifacts. Runs on the runner's context.
 */
public final class ArtifactUploader {
  private static final Logger LOG = Logger.getLogger(ArtifactUploader.class.getName());

  private final Context context;
  private final ArtifactClient client;
  private final RetryPolicy retry;
  private final UploadOutcomes outcomes;

  public ArtifactUploader(Context context, ArtifactClient client, RetryPolicy retry) {
    this(context, client, retry, UploadOutcomes.NONE);
  }

  public ArtifactUploader(Context context, ArtifactClient client, RetryPolicy retry, UploadOutcomes outcomes) {
    this.context = context;
    this.client = client;
    this.retry = retry;
    this.outcomes = outcomes;
  }

  /** One entry per file, in the order given: the store's answer plus {@code name}, or a missing record. */
  public Future<JsonArray> uploadAll(Lease lease, Map<String, Path> files) {
    List<Future<JsonObject>> uploads = new ArrayList<>();
    files.forEach((name, path) -> uploads.add(upload(lease, name, path)));
    return Future.join(uploads).otherwiseEmpty().map(x -> {
      JsonArray out = new JsonArray();
      uploads.forEach(f -> out.add(f.result()));
      return out;
    });
  }

  /** Uploads one file; resolves to its entry (never fails). */
  public Future<JsonObject> upload(Lease lease, String name, Path file) {
    Promise<JsonObject> done = Promise.promise();
    attempt(lease, name, file, 1, done);
    return done.future();
  }

  private void attempt(Lease lease, String name, Path file, int tryNo, Promise<JsonObject> done) {
    client.putArtifact(lease.jobId(), lease.attempt(), lease.token(), name, file).onComplete(ar -> {
      if (ar.succeeded()) {
        outcomes.stored(name);
        done.tryComplete(ar.result().copy().put("name", name));
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.retryable() && retry.mayRetry(tryNo)) {
        context.owner().setTimer(Math.max(1, retry.backoff().delay(tryNo)), t -> attempt(lease, name, file, tryNo + 1, done));
        return;
      }
      LOG.warning("artifact " + name + " of job " + lease.jobName() + " (token " + lease.token() + ") is missing after "
          + tryNo + " tr" + (tryNo == 1 ? "y" : "ies") + ": " + e.code() + ": " + e.getMessage());
      outcomes.missing(name, e, tryNo);
      done.tryComplete(missing(name, e));
    });
  }

  public static JsonObject missing(String name, ReachException e) {
    return new JsonObject().put("name", name).put("missing", true).put("reason", e.code() + ": " + e.getMessage());
  }

  /** For failures that are not the store's answer (the workspace could not be searched, ...). */
  public static JsonObject missing(String name, ErrorCode code, String message) {
    return new JsonObject().put("name", name).put("missing", true).put("reason", code + ": " + message);
  }
}
