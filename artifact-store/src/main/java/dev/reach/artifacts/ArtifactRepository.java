package dev.reach.artifacts;

import dev.reach.shared.db.Db;
import dev.reach.shared.db.Sql;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** The artifact store's metadata in Postgres; every method is one round trip. */
final class ArtifactRepository {
  private static final SqlFile SQL = SqlFile.load("sql/artifacts.sql");
  private static final Sql FIND_LEASE = SQL.get("find_lease");
  private static final Sql SEAL_LOG = SQL.get("seal_log");
  private static final Sql FIND_LOG_SEAL = SQL.get("find_log_seal");
  private static final Sql UPSERT_ARTIFACT = SQL.get("upsert_artifact");
  private static final Sql FIND_ARTIFACT = SQL.get("find_artifact");
  private static final Sql LIST_ARTIFACTS = SQL.get("list_artifacts");

  private final Db db;

  ArtifactRepository(Db db) {
    this.db = db;
  }

  /** The job's lease as seen by a writer of attempt {@code key} with {@code token}; null when there is no such job. */
  Future<LeaseView> findLease(LogKey key, long token) {
    return db.query(FIND_LEASE, Tuple.of(key.jobId(), key.attempt(), token)).map(rows -> {
      for (Row r : rows) {
        return new LeaseView(r.getString("state"), r.getInteger("attempt"), r.getBoolean("current"));
      }
      return null;
    });
  }

  /** Records the seal; false (nothing recorded) when the attempt is no longer current. */
  Future<Boolean> sealLog(LogKey key, long token, LogSeal seal) {
    return db.query(SEAL_LOG, Tuple.of(key.jobId(), key.attempt(), token, seal.size(), seal.sha256(), seal.truncated()))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The seal row, or null when the log was never sealed. */
  Future<LogSeal> findLogSeal(LogKey key) {
    return db.query(FIND_LOG_SEAL, Tuple.of(key.jobId(), key.attempt())).map(rows -> {
      for (Row r : rows) {
        return new LogSeal(r.getLong("size"), r.getString("sha256"), r.getBoolean("truncated"));
      }
      return null;
    });
  }

  /** Records the file; false (nothing recorded) when the attempt is no longer current. */
  Future<Boolean> upsertArtifact(LogKey key, long token, ArtifactFile file) {
    return db.query(UPSERT_ARTIFACT,
            Tuple.of(key.jobId(), key.attempt(), token, file.path(), file.sha256(), file.size()))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The stored file at {@code path}, or null. */
  Future<ArtifactFile> findArtifact(LogKey key, String path) {
    return db.query(FIND_ARTIFACT, Tuple.of(key.jobId(), key.attempt(), path))
        .map(rows -> {
          List<ArtifactFile> files = files(rows);
          return files.isEmpty() ? null : files.get(0);
        });
  }

  Future<List<ArtifactFile>> listArtifacts(LogKey key) {
    return db.query(LIST_ARTIFACTS, Tuple.of(key.jobId(), key.attempt())).map(ArtifactRepository::files);
  }

  private static List<ArtifactFile> files(RowSet<Row> rows) {
    List<ArtifactFile> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(new ArtifactFile(r.getString("path"), r.getString("sha256"), r.getLong("size")));
    }
    return out;
  }
}
