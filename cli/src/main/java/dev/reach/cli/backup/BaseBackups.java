package dev.reach.cli.backup;

import dev.reach.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Physical base backups of the Reach database's server, the starting point of a point-in-time restore
 * ({@link PointInTimeRecovery}). One backup is {@code DIR/<id>/} with {@code base.tar.gz} and
 * {@code pg_wal.tar.gz} (pg_basebackup: tar format, gzip, {@code -X stream}, so the WAL the backup needs
 * to be consistent is in it), pg_basebackup's {@code backup_manifest}, and Reach's {@code manifest.json},
 * written last. The backup restores to any time from its end ({@code restorable_from}) up to the newest
 * segment of the server's WAL archive. It needs a replication connection (pg_hba {@code replication}).
 */
public final class BaseBackups {
  public static final String FORMAT = "pg_basebackup-tar";
  public static final String BASE = "base.tar.gz";
  public static final String WAL = "pg_wal.tar.gz";

  private final PgTools tools;
  private final String reachVersion;

  public BaseBackups(PgTools tools, String reachVersion) {
    this.tools = tools;
    this.reachVersion = reachVersion == null ? "development build" : reachVersion;
  }

  /** Takes a base backup of the server of {@code url} into {@code dir/<id>}; answers its manifest, or throws. */
  public JsonObject take(Vertx vertx, DbUrl url, Path dir) {
    Instant started = Instant.now();
    String id = Backups.newId(started);
    Path into = dir.resolve(id);
    JsonObject m = new JsonObject().put("id", id).put("format", FORMAT).put("file", BASE).put("wal_file", WAL)
        .put("database", url.host() + ":" + url.port() + "/" + url.database())
        .put("reach_version", reachVersion).put("started_at", started.toString());
    PgConnection conn = null;
    try {
      Files.createDirectories(dir);
      conn = PgConnection.connect(vertx, PgTools.options(url)).await();
      // read before the backup starts: the backup holds at least these events (and whatever commits while it runs)
      Backups.putPosition(m, Backups.position(conn));
      m.put("last_event_seq_is", "at least: read as the backup started");
      conn.close().await();
      conn = null;
      List<String> args = new ArrayList<>(PgTools.connection(url));
      args.addAll(List.of("-D", into.toString(), "-Ft", "-z", "-X", "stream", "-c", "fast", "-w", "-l", "reach " + id));
      PgTools.Result b = tools.run("pg_basebackup", args, url, Backups.DUMP_TIMEOUT);
      if (!b.ok()) {
        throw new IllegalStateException("pg_basebackup exited " + b.exit() + ": " + b.stderr()
            + (b.stderr().contains("replication") ? " (a base backup needs a replication connection: pg_hba.conf must"
                + " allow 'replication' for " + url.user() + ")" : ""));
      }
      if (!Files.isRegularFile(into.resolve(BASE)) || !Files.isRegularFile(into.resolve(WAL))) {
        throw new IllegalStateException("pg_basebackup wrote no " + BASE + " and " + WAL + " (tablespaces are not"
            + " supported: a Reach database has none)");
      }
      Instant finished = Instant.now();
      // the backup is consistent at its end, which came before pg_basebackup returned; read on the server's
      // clock, the one its commit times (and so recovery_target_time) are on
      conn = PgConnection.connect(vertx, PgTools.options(url)).await();
      Instant end = conn.query("SELECT now() AS t").execute().await().iterator().next().getOffsetDateTime("t").toInstant();
      conn.close().await();
      conn = null;
      m.put("status", "ok").put("finished_at", finished.toString())
          .put("snapshot_at", end.toString()).put("restorable_from", end.toString())
          .put("duration_ms", Duration.between(started, finished).toMillis()).put("size_bytes", size(into));
      Backups.writeManifest(into, m);
      return m;
    } catch (RuntimeException | IOException e) {
      if (conn != null) {
        conn.close();
      }
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      m.put("status", "failed").put("error", why).put("finished_at", Instant.now().toString());
      try {
        for (String f : List.of(BASE, WAL, "backup_manifest")) {
          Files.deleteIfExists(into.resolve(f));
        }
        Files.createDirectories(into);
        Backups.writeManifest(into, m);
      } catch (IOException ignored) {
        // the failure is reported all the same
      }
      throw new Backups.BackupFailed(m, e);
    }
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      long total = 0;
      for (Path p : (Iterable<Path>) files::iterator) {
        total += Files.size(p);
      }
      return total;
    }
  }
}
