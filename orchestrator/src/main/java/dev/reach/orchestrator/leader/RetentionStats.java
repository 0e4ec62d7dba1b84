package dev.reach.orchestrator.leader;

import dev.reach.shared.error.ReachException;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Running totals of retention on this node, for the orchestrator's status. Thread-safe. */
final class RetentionStats {
  private long passes;
  private long runsPurged;
  private long logsPurged;
  private long artifactsPurged;
  private long bytesPurged;
  private long orphanBlobs;
  private long orphanBytes;
  private Instant lastPassAt;
  private String lastFailure;

  synchronized void purged(JsonObject reply) {
    runsPurged++;
    logsPurged += reply.getLong("logs", 0L);
    artifactsPurged += reply.getLong("artifacts", 0L);
    bytesPurged += reply.getLong("log_bytes", 0L) + reply.getLong("artifact_bytes", 0L);
  }

  synchronized void swept(JsonObject reply) {
    orphanBlobs += reply.getLong("blobs_deleted", 0L);
    orphanBytes += reply.getLong("blob_bytes_freed", 0L);
  }

  synchronized void passed() {
    passes++;
    lastPassAt = Instant.now();
    lastFailure = null;
  }

  synchronized void failed(ReachException e) {
    lastFailure = e.code() + ": " + e.getMessage();
  }

  synchronized JsonObject describe(long retentionMs, long intervalMs) {
    return new JsonObject()
        .put("retention_ms", retentionMs)
        .put("interval_ms", intervalMs)
        .put("passes", passes)
        .put("runs_purged", runsPurged)
        .put("logs_purged", logsPurged)
        .put("artifacts_purged", artifactsPurged)
        .put("bytes_purged", bytesPurged)
        .put("orphan_blobs_collected", orphanBlobs)
        .put("orphan_bytes_collected", orphanBytes)
        .put("last_pass_at", lastPassAt == null ? null : lastPassAt.toString())
        .put("last_failure", lastFailure);
  }
}
