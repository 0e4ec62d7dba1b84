package dev.reach.cli.backup;

import dev.reach.shared.config.DbUrl;
import dev.reach.shared.db.SqlFile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Consistent logical backups of the Reach database. One backup is a directory {@code DIR/<id>/} with
 * {@code reach.dump} (pg_dump custom format) and {@code manifest.json}, written last: a directory
 * without a manifest is a backup that never finished. The dump is taken in a snapshot exported by a
 * REPEATABLE READ transaction that also reads the last event seq, the chain head and the database
 * generation, so the manifest says exactly which events the dump holds.
 */
public final class Backups {
  public static final String DUMP = "reach.dump";
  public static final String MANIFEST = "manifest.json";
  private static final SqlFile SQL = SqlFile.load("sql/backups.sql");
  public static final Duration DUMP_TIMEOUT = Duration.ofHours(2);
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** A backup that failed, with the manifest (status failed) that says why. */
  public static final class BackupFailed extends RuntimeException {
    private final JsonObject manifest;

    BackupFailed(JsonObject manifest, Throwable cause) {
      super(manifest.getString("error"), cause);
      this.manifest = manifest;
    }

    public JsonObject manifest() {
      return manifest;
    }
  }

  private final PgTools tools;
  private final String reachVersion;

  public Backups(PgTools tools, String reachVersion) {
    this.tools = tools;
    this.reachVersion = reachVersion == null ? "development build" : reachVersion;
  }

  public static String newId(Instant at) {
    return "reach-" + ID_TIME.format(at) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
  }

  /** Takes a backup of {@code url} into {@code dir/<id>}; answers its manifest, or throws {@link BackupFailed}. */
  public JsonObject take(Vertx vertx, DbUrl url, Path dir) {
    Instant started = Instant.now();
    String id = newId(started);
    Path into = dir.resolve(id);
    JsonObject m = new JsonObject().put("id", id).put("format", "pg_dump-custom").put("file", DUMP)
        .put("database", url.host() + ":" + url.port() + "/" + url.database())
        .put("reach_version", reachVersion).put("started_at", started.toString());
    PgConnection conn = null;
    try {
      Files.createDirectories(into);
      conn = PgConnection.connect(vertx, PgTools.options(url)).await();
      conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").execute().await();
      // the transaction's snapshot is taken by its first statement; the one exported is the same
      Row r = position(conn);
      String snapshot = conn.query("SELECT pg_export_snapshot()").execute().await().iterator().next().getString(0);
      m.put("snapshot_at", r.getOffsetDateTime("at").toInstant().toString());
      putPosition(m, r);
      List<String> args = new ArrayList<>(PgTools.connection(url));
      args.addAll(List.of("-d", url.database(), "-Fc", "--no-owner", "--snapshot=" + snapshot,
          "-f", into.resolve(DUMP).toString()));
      PgTools.Result dump = tools.run("pg_dump", args, url, DUMP_TIMEOUT);
      conn.query("COMMIT").execute().await();
      if (!dump.ok()) {
        throw new IllegalStateException("pg_dump exited " + dump.exit() + ": " + dump.stderr());
      }
      Instant finished = Instant.now();
      m.put("status", "ok").put("finished_at", finished.toString())
          .put("duration_ms", Duration.between(started, finished).toMillis())
          .put("size_bytes", Files.size(into.resolve(DUMP)));
      writeManifest(into, m);
      return m;
    } catch (RuntimeException | IOException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      m.put("status", "failed").put("error", why).put("finished_at", Instant.now().toString());
      try {
        Files.deleteIfExists(into.resolve(DUMP));
        if (Files.isDirectory(into)) {
          writeManifest(into, m);
        }
      } catch (IOException ignored) {
        // the failure is reported all the same
      }
      throw new BackupFailed(m, e);
    } finally {
      if (conn != null) {
        conn.close();
      }
    }
  }

  /** The database's position (sql/backups.sql, {@code position}) as {@code conn} sees it. */
  static Row position(PgConnection conn) {
    return conn.query(SQL.get("position").text()).execute().await().iterator().next();
  }

  /** Puts a {@link #position} row into manifest {@code m}: last event seq, events, chain head, generation, server. */
  static void putPosition(JsonObject m, Row r) {
    m.put("last_event_seq", r.getLong("last_event_seq")).put("events", r.getLong("events"))
        .put("chain_head", r.getLong("head_pos") == null ? null : new JsonObject().put("pos", r.getLong("head_pos"))
            .put("seq", r.getLong("head_seq")).put("hash", r.getString("head_hash")))
        .put("db_generation", r.getLong("generation")).put("server_version", r.getString("server_version"))
        .put("server_major", r.getInteger("server_major"));
  }

  static void writeManifest(Path into, JsonObject m) throws IOException {
    Path tmp = into.resolve(MANIFEST + ".tmp");
    Files.writeString(tmp, m.encodePrettily() + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, into.resolve(MANIFEST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, into.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The manifests under {@code dir}, oldest first; a directory without one is listed as {@code incomplete}. */
  public static JsonArray list(Path dir) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return new JsonArray();
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        if (!Files.isDirectory(p)) {
          continue;
        }
        Path mf = p.resolve(MANIFEST);
        if (Files.isRegularFile(mf)) {
          out.add(new JsonObject(Files.readString(mf, StandardCharsets.UTF_8)));
        } else if (p.getFileName().toString().startsWith("reach-")) {
          out.add(new JsonObject().put("id", p.getFileName().toString()).put("status", "incomplete"));
        }
      }
    }
    out.sort(Comparator.comparing((JsonObject o) -> o.getString("started_at", "")).thenComparing(o -> o.getString("id")));
    return new JsonArray(new ArrayList<>(out));
  }

  /** The manifest of backup {@code ref} (a directory, or an id under {@code dir}); it must be a finished backup. */
  public static JsonObject open(Path dir, String ref, Path[] where) throws IOException {
    Path p = Path.of(ref);
    if (!Files.isDirectory(p) && dir != null) {
      p = dir.resolve(ref);
    }
    Path mf = p.resolve(MANIFEST);
    if (!Files.isRegularFile(mf)) {
      throw new IllegalArgumentException("no backup at " + p + " (no " + MANIFEST + ")");
    }
    JsonObject m = new JsonObject(Files.readString(mf, StandardCharsets.UTF_8));
    if (!"ok".equals(m.getString("status"))) {
      throw new IllegalArgumentException("backup " + m.getString("id") + " is not usable: status " + m.getString("status")
          + (m.getString("error") == null ? "" : " (" + m.getString("error") + ")"));
    }
    if (!Files.isRegularFile(p.resolve(m.getString("file", DUMP)))) {
      throw new IllegalArgumentException("backup " + m.getString("id") + " has no dump file " + p.resolve(DUMP));
    }
    where[0] = p;
    return m;
  }
}
