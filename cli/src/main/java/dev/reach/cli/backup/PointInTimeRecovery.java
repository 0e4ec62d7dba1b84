package dev.reach.cli.backup;

import static dev.reach.cli.LocalCluster.deleteTree;

import dev.reach.shared.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Brings a {@link BaseBackups base backup} to a point in time on a PostgreSQL server of its own, then
 * takes a logical backup of it for {@link Restore}, which restores it like any other (fresh database,
 * new generation, chain verified, projections rebuilt). The server runs in a scratch directory: the base
 * backup unpacked, the archive's segments from the backup's start on copied beside it (so the server
 * user need not read the archive, and the archive is never written), {@code recovery.signal}, WAL
 * fetched from that copy by {@code restore_command} up to {@code recovery_target_time}, then promoted.
 * It never archives, and it has no TCP port: its Unix socket is in a directory only the server user (and
 * root) can enter. Without a target time the backup is brought to its own end (its own WAL, no archive).
 * The server is stopped and the scratch directory removed when a step fails, and by a shutdown hook
 * when reachctl is stopped by a signal.
 */
public final class PointInTimeRecovery {
  private static final DateTimeFormatter PG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx")
      .withZone(ZoneOffset.UTC);
  private static final Pattern FATAL = Pattern.compile("FATAL|PANIC");
  /** What the server answers the polls while it recovers: not the reason it stopped. */
  private static final Pattern OUR_POLLS = Pattern.compile(
      "the database system is (starting up|not yet accepting|not accepting connections|shutting down)"
      + "|Hot standby mode is disabled");
  /** sun_path of a Unix socket address: 108 bytes with its terminating NUL. */
  private static final int MAX_SOCKET_PATH = 107;
  private static final Pattern STOPPED = Pattern.compile("recovery stopping (before|after) ");
  private static final Duration POLL = Duration.ofMillis(200);
  private static final String DUMPS = "dump";

  /** A recovery that failed; the message says at which step and why. */
  public static final class RecoveryFailed extends RuntimeException {
    RecoveryFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The logical backup of the recovered server ({@code manifest} for {@link Restore#run}, its
   * {@code point_in_time} says how it was made) in {@link #dir()}, removed with the scratch directory by
   * {@link #close()}.
   */
  public record Recovered(JsonObject manifest, Path scratch) implements AutoCloseable {
    public Path dir() {
      return scratch.resolve(DUMPS);
    }

    @Override
    public void close() {
      deleteTree(scratch);
    }
  }

  /** What to recover: the base backup, the WAL archive and target time (both null: the backup's own end), where. */
  public record Target(Path backupDir, JsonObject manifest, Path walArchive, Instant toTime, Path scratchRoot) {}

  private final PgTools tools;
  private final ServerUser user;
  private final Duration timeout;

  public PointInTimeRecovery(PgTools tools, ServerUser user, Duration timeout) {
    this.tools = tools;
    this.user = user;
    this.timeout = timeout;
  }

  /** Recovers {@code t}; connects to the recovered server as {@code role}'s user to dump database {@code role.database()}. */
  public Recovered recover(Vertx vertx, Target t, DbUrl role) {
    long t0 = System.currentTimeMillis();
    String id = t.manifest().getString("id");
    int major = PgServerProcess.majorVersion(tools);
    Integer backupMajor = t.manifest().getInteger("server_major");
    if (backupMajor != null && backupMajor != major) {
      throw new RecoveryFailed("base backup " + id + " is of PostgreSQL " + backupMajor + " and " + tools.tool("postgres")
          + " is PostgreSQL " + major + ": set REACH_PG_BIN to the PostgreSQL " + backupMajor + " programs", null);
    }
    Path scratch;
    try {
      Files.createDirectories(t.scratchRoot());
      scratch = Files.createTempDirectory(t.scratchRoot(), "reach-pitr-");
    } catch (IOException e) {
      throw new RecoveryFailed("cannot create a scratch directory in " + t.scratchRoot() + ": " + e.getMessage(), e);
    }
    Path socketDir = scratch.resolve("s");
    if ((socketDir + "/.s.PGSQL." + PgServerProcess.PRIVATE_PORT).getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
      deleteTree(scratch);
      throw new RecoveryFailed("the scratch directory's path is too long for the server's Unix socket (at most "
          + MAX_SOCKET_PATH + " bytes with the socket's name): choose a shorter --scratch than " + t.scratchRoot(), null);
    }
    // a reachctl stopped by a signal still stops its server and removes the copy of the database
    AtomicReference<PgServerProcess> running = new AtomicReference<>();
    Thread cleanup = new Thread(() -> {
      PgServerProcess s = running.get();
      if (s != null) {
        s.close();
      }
      deleteTree(scratch);
    }, "reach-pitr-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    boolean handedOver = false;
    try {
      Path data = scratch.resolve("data");
      unpack(t, data);
      Path wal = scratch.resolve("wal-archive");
      int segments = t.toTime() == null ? 0 : WalArchiveCopy.copy(t.walArchive(), id, wal);
      Map<String, String> settings = settings(t, scratch, wal);
      Files.createDirectories(socketDir);
      user.own(scratch);
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(socketDir, PosixFilePermissions.fromString("rwx------"));
      JsonObject pit = new JsonObject().put("base_backup", id).put("base_backup_restorable_from",
          t.manifest().getString("restorable_from"));
      Path dumps = scratch.resolve(DUMPS);
      Files.createDirectories(dumps);
      JsonObject dump;
      long replay;
      try (PgServerProcess server = PgServerProcess.startPrivate(tools, user, data, socketDir, settings,
          scratch.resolve("server.log"))) {
        running.set(server);
        long t1 = System.currentTimeMillis();
        DbUrl at = new DbUrl(server.host(), server.port(), role.database(), role.user(), role.password());
        Row r = awaitPromoted(vertx, server, at, t);
        replay = System.currentTimeMillis() - t1;
        OffsetDateTime last = r.getOffsetDateTime("last_replayed");
        pit.put("to_time", t.toTime() == null ? null : t.toTime().toString())
            .put("wal_archive", t.walArchive() == null ? null : t.walArchive().toString())
            .put("wal_files_copied", segments)
            .put("target", t.toTime() == null ? "the end of the base backup (its own WAL)" : "recovery_target_time "
                + PG_TIME.format(t.toTime()) + ", WAL from the archive")
            .put("last_replayed_commit_at", last == null ? null : last.toInstant().toString())
            .put("stopped", server.logLines(STOPPED).stream().findFirst()
                .map(l -> l.substring(l.indexOf("recovery stopping"))).orElse(null))
            .put("server", "PostgreSQL " + major + " as " + user + ", on a Unix socket only, data in " + data);
        dump = new Backups(tools, null).take(vertx, at, dumps);
      }
      pit.put("replay_ms", replay).put("total_ms", System.currentTimeMillis() - t0);
      Instant taken = t.toTime() != null ? t.toTime() : Instant.parse(t.manifest().getString("restorable_from"));
      JsonObject manifest = dump.copy().put("id", id).put("snapshot_at", taken.toString()).put("point_in_time", pit)
          .put("file", dump.getString("id") + "/" + Backups.DUMP);
      deleteTree(data);
      deleteTree(wal);
      handedOver = true;
      return new Recovered(manifest, scratch);
    } catch (Backups.BackupFailed e) {
      throw new RecoveryFailed("the recovered server could not be dumped: " + e.getMessage(), e);
    } catch (IOException | UncheckedIOException e) {
      throw new RecoveryFailed(e.getMessage(), e);
    } finally {
      if (!handedOver) {
        deleteTree(scratch);
      }
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs, or has run
      }
    }
  }

  private void unpack(Target t, Path data) throws IOException {
    Files.createDirectories(data);
    for (String[] part : new String[][] {{BaseBackups.BASE, ""}, {BaseBackups.WAL, "pg_wal"}}) {
      Path into = data.resolve(part[1]);
      Files.createDirectories(into);
      PgTools.Result r = PgTools.exec(List.of("tar", "-xzf", t.backupDir().resolve(part[0]).toString(), "-C",
          into.toString()), null, timeout);
      if (!r.ok()) {
        throw new RecoveryFailed("cannot unpack " + t.backupDir().resolve(part[0]) + ": tar exited " + r.exit() + ": "
            + r.stderr(), null);
      }
    }
    // a base backup of a standby carries standby.signal: this server is no standby
    Files.deleteIfExists(data.resolve("standby.signal"));
    if (t.toTime() != null) {
      Files.writeString(data.resolve("recovery.signal"), "", StandardCharsets.UTF_8);
    }
  }

  private static Map<String, String> settings(Target t, Path scratch, Path wal) throws IOException {
    Path hba = scratch.resolve("pg_hba.conf");
    Files.writeString(hba, "# reachctl point-in-time recovery: no TCP; the Unix socket is in a directory only the"
        + " server user (and root) can enter\nlocal all all trust\n", StandardCharsets.UTF_8);
    Map<String, String> s = new LinkedHashMap<>();
    s.put("hba_file", hba.toString());
    // what the backed-up server's own postgresql.conf (in the base backup) may say must not act here: it
    // never archives, never prunes or touches the archive, never follows a primary; its log is readable here
    s.put("archive_mode", "off");
    s.put("archive_cleanup_command", "");
    s.put("recovery_end_command", "");
    s.put("primary_conninfo", "");
    s.put("log_destination", "stderr");
    s.put("lc_messages", "C");
    // no connections until promoted: a hot standby would also need max_connections and the like at least as
    // high as the backed-up server had them, which the base backup does not hold when they were set by -c
    s.put("hot_standby", "off");
    if (t.toTime() != null) {
      String archive = wal.toAbsolutePath().toString();
      if (archive.contains("'")) {
        throw new RecoveryFailed("the scratch directory's path must not contain a quote: " + archive, null);
      }
      s.put("restore_command", "cp '" + archive + "/%f' '%p'");
      // the newest timeline the archive has (PostgreSQL's default, written out)
      s.put("recovery_target_timeline", "latest");
      s.put("recovery_target_time", PG_TIME.format(t.toTime()));
      s.put("recovery_target_action", "promote");
    }
    return s;
  }

  /** Polls until the server has left recovery; answers the last replayed commit's time. */
  private Row awaitPromoted(Vertx vertx, PgServerProcess server, DbUrl at, Target t) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastError = "no connection yet";
    PgConnectOptions o = PgTools.options(at);
    while (System.nanoTime() < deadline) {
      if (!server.alive()) {
        throw new RecoveryFailed(why(server, t), null);
      }
      try {
        PgConnection c = PgConnection.connect(vertx, o).await();
        try {
          Row r = c.query("SELECT pg_is_in_recovery() AS recovering, pg_last_xact_replay_timestamp() AS last_replayed")
              .execute().await().iterator().next();
          if (!r.getBoolean("recovering")) {
            return r;
          }
          lastError = "still in recovery";
        } finally {
          c.close().await();
        }
      } catch (Exception e) { // await() rethrows a refused connection's ConnectException as it is
        lastError = e.getMessage();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RecoveryFailed("interrupted", e);
      }
    }
    throw new RecoveryFailed("the server did not finish recovering within " + timeout.toSeconds() + " s (" + lastError
        + "); the end of its log: " + String.join(" | ", server.logTail(20, OUR_POLLS)), null);
  }

  private static String why(PgServerProcess server, Target t) {
    List<String> fatal = server.logLines(FATAL).stream().filter(l -> !OUR_POLLS.matcher(l).find()).limit(5).toList();
    String said = fatal.isEmpty() ? "no FATAL line; the end of its log: " + String.join(" | ", server.logTail(20, OUR_POLLS))
        : String.join("; ", fatal);
    if (said.contains("recovery ended before configured recovery target was reached")) {
      return "the WAL archive " + t.walArchive() + " does not reach " + t.toTime() + ": recovery needs a transaction"
          + " committed after that time in an archived segment, and the newest archived one is older (wait for the"
          + " server's archive_timeout, or choose an earlier time). The server said: " + said;
    }
    return "the recovery server stopped: " + said;
  }
}
