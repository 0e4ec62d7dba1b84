package dev.reach.artifacts;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.Sql;
import dev.reach.shared.db.SqlFile;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * The store's half of retention, asked for by the orchestrator leader and fenced by its epoch:
 *
 * <ul>
 *   <li>{@link #purgeRun}: one statement marks a finished run purged, deletes its log seals and
 *       artifact rows and appends {@code run_purged}; then its log directories go, and the blobs no
 *       row refers to any more.
 *   <li>{@link #sweep}: collects what no row refers to: blobs left by purges that could not delete
 *       them yet and by uploads refused half-way (stale lease, store stopped), and log directories
 *       of purged runs a crash left behind; appends {@code orphans_collected} when anything went.
 * </ul>
 *
 * A blob is deleted only when no artifact row refers to it and it was not touched for
 * {@code REACH_BLOB_GRACE_MS} (see {@link BlobStore}). The sweep refuses to run against a database
 * that is not the one this directory belongs to ({@link StoreIdentity}).
 */
final class Retention {
  private static final Logger LOG = Logger.getLogger(Retention.class.getName());
  private static final SqlFile SQL = SqlFile.load("sql/artifacts.sql");
  private static final Sql PURGE_RUN = SQL.get("purge_run");
  private static final Sql UNREFERENCED_BLOBS = SQL.get("unreferenced_blobs");
  private static final Sql PURGED_LOG_JOBS = SQL.get("purged_log_jobs");
  private static final Sql RECORD_SWEEP = SQL.get("record_sweep");
  private static final Sql EPOCH_IS_CURRENT = SQL.get("epoch_is_current");
  /** Content addresses or job ids checked per query by the sweep. */
  static final int SWEEP_BATCH = 500;

  private final Vertx vertx;
  private final Db db;
  private final StoreLayout layout;
  private final BlobStore blobs;
  private final LogStore logs;
  private final StoreIdentity identity;
  private final Clock clock;
  private final long blobGraceMs;
  private boolean sweeping;

  Retention(Vertx vertx, Db db, StoreLayout layout, BlobStore blobs, LogStore logs, Clock clock, long blobGraceMs) {
    this.vertx = vertx;
    this.db = db;
    this.layout = layout;
    this.blobs = blobs;
    this.logs = logs;
    this.identity = new StoreIdentity(vertx, db, layout);
    this.clock = clock;
    this.blobGraceMs = blobGraceMs;
  }

  /** Call on the store's event loop (it drops the purged jobs' cached log states there). */
  Future<JsonObject> purgeRun(UUID runId, long epoch, long retentionMs) {
    return db.query(PURGE_RUN, Tuple.of(runId, epoch, retentionMs)).compose(rows -> {
      Row r = rows.iterator().next();
      if (!r.getBoolean("fenced")) {
        throw notLeader(epoch);
      }
      JsonObject out = new JsonObject().put("run_id", runId.toString()).put("purged", r.getBoolean("purged"));
      if (!r.getBoolean("purged")) {
        return Future.succeededFuture(out);
      }
      List<UUID> jobIds = new ArrayList<>();
      for (String id : r.getArrayOfStrings("job_ids")) {
        jobIds.add(UUID.fromString(id));
      }
      logs.forget(jobIds);
      List<String> shas = List.of(r.getArrayOfStrings("blobs"));
      out.put("logs", r.getLong("logs")).put("log_bytes", r.getLong("log_bytes"))
          .put("artifacts", r.getLong("artifacts")).put("artifact_bytes", r.getLong("artifact_bytes"))
          .put("secrets", r.getLong("secrets"))
          .put("event_seq", r.getLong("event_seq"));
      // the rows are gone for good; the files follow (what fails here the next sweep collects)
      return vertx.executeBlocking(() -> deleteLogDirs(jobIds), false)
          .compose(dirs -> deleteUnreferenced(shas).map(freed -> out.put("log_dirs_deleted", dirs)
              .put("blobs_deleted", freed[0]).put("blob_bytes_freed", freed[1])));
    });
  }

  /** Collects orphans; one sweep at a time (a second request while one runs is answered at once). */
  Future<JsonObject> sweep(long epoch) {
    if (sweeping) {
      return Future.succeededFuture(new JsonObject().put("skipped", "a sweep is already running"));
    }
    sweeping = true;
    Instant cutoff = clock.instant().minusMillis(blobGraceMs);
    JsonObject out = new JsonObject();
    return db.query(EPOCH_IS_CURRENT, Tuple.of(epoch))
        .compose(rows -> {
          if (rows.size() == 0) {
            throw notLeader(epoch);
          }
          return identity.verify();
        })
        .compose(v -> vertx.executeBlocking(() -> idleBlobs(cutoff), false))
        .compose(candidates -> {
          out.put("blobs_idle", candidates.size());
          return deleteUnreferenced(candidates);
        })
        .compose(freed -> {
          out.put("blobs_deleted", freed[0]).put("blob_bytes_freed", freed[1]);
          return vertx.executeBlocking(this::jobLogDirs, false);
        })
        .compose(dirs -> purgedAmong(dirs))
        .compose(purged -> {
          logs.forget(purged);
          return vertx.executeBlocking(() -> deleteLogDirs(purged), false);
        })
        .compose(dirs -> {
          out.put("log_dirs_deleted", dirs);
          if (out.getLong("blobs_deleted") == 0 && dirs == 0) {
            return Future.succeededFuture(out);
          }
          LOG.info("retention: collected " + out.getLong("blobs_deleted") + " orphan blob(s) ("
              + out.getLong("blob_bytes_freed") + " bytes) and " + dirs + " log director(ies) of purged runs");
          return db.query(RECORD_SWEEP, Tuple.of(epoch, out.copy()))
              .map(rows -> out.put("event_seq", rows.size() == 0 ? null : rows.iterator().next().getLong("seq")));
        })
        .andThen(ar -> sweeping = false);
  }

  /** Of {@code shas}, deletes those no row refers to and idle past the grace; returns {count, bytes}. */
  private Future<long[]> deleteUnreferenced(List<String> shas) {
    long[] freed = new long[2];
    Instant cutoff = clock.instant().minusMillis(blobGraceMs);
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < shas.size(); from += SWEEP_BATCH) {
      List<String> batch = shas.subList(from, Math.min(shas.size(), from + SWEEP_BATCH));
      chain = chain
          .compose(v -> db.query(UNREFERENCED_BLOBS, Tuple.of(batch.toArray(String[]::new))))
          .compose(rows -> {
            List<String> unreferenced = new ArrayList<>();
            rows.forEach(r -> unreferenced.add(r.getString("sha256")));
            return vertx.executeBlocking(() -> {
              for (String sha : unreferenced) {
                long size = blobs.deleteIfIdleSince(sha, cutoff);
                if (size >= 0) {
                  freed[0]++;
                  freed[1] += size;
                }
              }
              return null;
            }, false);
          });
    }
    return chain.map(v -> freed);
  }

  private Future<List<UUID>> purgedAmong(List<UUID> jobIds) {
    List<UUID> out = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int from = 0; from < jobIds.size(); from += SWEEP_BATCH) {
      List<UUID> batch = jobIds.subList(from, Math.min(jobIds.size(), from + SWEEP_BATCH));
      chain = chain.compose(v -> db.query(PURGED_LOG_JOBS, Tuple.of(batch.toArray(UUID[]::new))))
          .map(rows -> {
            rows.forEach(r -> out.add(UUID.fromString(r.getString("job_id"))));
            return null;
          });
    }
    return chain.map(v -> out);
  }

  /** Blocking: content addresses of blobs not modified since {@code cutoff}. */
  private List<String> idleBlobs(Instant cutoff) throws IOException {
    List<String> out = new ArrayList<>();
    try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(layout.blobsDir())) {
      for (Path prefix : prefixes) {
        if (!Files.isDirectory(prefix)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            if (Sha256.HEX.matcher(name).matches()
                && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
              out.add(name);
            }
          }
        }
      }
    }
    return out;
  }

  /** Blocking: the job ids that have a log directory. */
  private List<UUID> jobLogDirs() throws IOException {
    List<UUID> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(layout.logsDir())) {
      for (Path d : dirs) {
        UUID id = Ids.jobId(d.getFileName().toString());
        if (id != null && Files.isDirectory(d)) {
          out.add(id);
        }
      }
    }
    return out;
  }

  /** Blocking: deletes the jobs' log directories; returns how many existed. */
  private int deleteLogDirs(List<UUID> jobIds) throws IOException {
    int deleted = 0;
    for (UUID id : jobIds) {
      Path dir = layout.jobLogDir(id);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path f : files) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
      deleted++;
    }
    return deleted;
  }

  private static ReachException notLeader(long epoch) {
    return new ReachException(ErrorCode.NOT_LEADER,
        "leadership epoch " + epoch + " is no longer current: retention refused, nothing changed");
  }
}
