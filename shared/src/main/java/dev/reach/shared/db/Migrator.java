package dev.reach.shared.db;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Applies the numbered SQL migrations under {@code db/migration/} (listed in {@code index.txt})
 * in one transaction under an advisory lock, so several services starting at once apply them
 * once. Strict: an applied migration whose checksum changed, a gap in the numbering, or a
 * database newer than this build stops the start with a clear message.
 */
public final class Migrator {
  private static final Logger LOG = Logger.getLogger(Migrator.class.getName());
  private static final Pattern FILE = Pattern.compile("V(\\d{3})__([a-z0-9_]+)\\.sql");
  private static final long LOCK_KEY = 0x52454143484d4947L; // "REACHMIG"

  /** One migration file. */
  public record Migration(int version, String name, String sql, String checksum) {}

  private final List<Migration> migrations;

  public Migrator(List<Migration> migrations) {
    this.migrations = List.copyOf(migrations);
  }

  public static Migrator fromClasspath() {
    String index = read("db/migration/index.txt");
    List<Migration> list = new ArrayList<>();
    int expected = 1;
    for (String line : index.split("\n")) {
      String file = line.trim();
      if (file.isEmpty() || file.startsWith("#")) {
        continue;
      }
      Matcher m = FILE.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("migration file name " + file + " does not match V###__name.sql");
      }
      int version = Integer.parseInt(m.group(1));
      if (version != expected) {
        throw new IllegalStateException("migration " + file + " breaks the numbering; expected V" + expected);
      }
      expected++;
      String sql = read("db/migration/" + file);
      list.add(new Migration(version, m.group(2), sql, sha256(sql)));
    }
    return new Migrator(list);
  }

  public List<Migration> migrations() {
    return migrations;
  }

  /**
   * {@link #migrate(Pool)} at service start, when the database may still be coming up, be down, or the
   * machine be busy. Each try goes through the database breaker (a service restarting into a database
   * its breaker found down waits out the breaker's reset time instead of connecting at once, and tries
   * that fail for an outage open it) and is bounded by {@code tryTimeoutMs} (a pool request can be lost
   * under load). A failed try is repeated after a second, {@code tries} tries in all; a try the open
   * breaker refuses made no call: the next one waits for the breaker's probe and is not counted.
   */
  public Future<Integer> migrateAtStart(Vertx vertx, Db db, long tryTimeoutMs, int tries) {
    return db.breaker().callUnclassified(() -> migrate(db.pool()).timeout(tryTimeoutMs, TimeUnit.MILLISECONDS))
        .recover(t -> {
          if (t instanceof ReachException refused && refused.code() == ErrorCode.DB_CIRCUIT_OPEN) {
            long waitMs = Math.max(100, refused.retryAfterMs());
            LOG.info("database migration waits " + waitMs + " ms for the database breaker's probe (" + db.breaker().state()
                + ": the database was found down, maybe before a restart)");
            return later(vertx, waitMs, () -> migrateAtStart(vertx, db, tryTimeoutMs, tries));
          }
          if (tries <= 1) {
            return Future.failedFuture(t);
          }
          LOG.warning("database migration did not complete (" + t + "); trying again, " + (tries - 1) + " tries left");
          return later(vertx, 1_000, () -> migrateAtStart(vertx, db, tryTimeoutMs, tries - 1));
        });
  }

  private static <T> Future<T> later(Vertx vertx, long delayMs, Supplier<Future<T>> next) {
    Promise<T> promise = Promise.promise();
    vertx.setTimer(delayMs, id -> next.get().onComplete(promise));
    return promise.future();
  }

  /** Applies what is missing; resolves to the number of migrations applied now. */
  public Future<Integer> migrate(Pool pool) {
    return pool.withTransaction(this::migrate);
  }

  private Future<Integer> migrate(SqlConnection conn) {
    return conn.preparedQuery("SELECT pg_advisory_xact_lock($1)").execute(Tuple.of(LOCK_KEY))
        .compose(v -> conn.query("SELECT to_regclass('reach_schema_history') IS NOT NULL AS present").execute())
        .compose(r -> r.iterator().next().getBoolean("present")
            ? Future.succeededFuture()
            : conn.query("CREATE TABLE reach_schema_history ("
                + " version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,"
                + " applied_at timestamptz NOT NULL DEFAULT now())").execute().mapEmpty())
        .compose(v -> conn.query("SELECT version, name, checksum FROM reach_schema_history ORDER BY version").execute())
        .compose(rows -> {
          int applied = 0;
          for (Row row : rows) {
            int version = row.getInteger("version");
            if (version > migrations.size()) {
              return Future.failedFuture(new IllegalStateException(
                  "database schema is at V" + version + " but this build knows only up to V" + migrations.size()
                      + "; run a newer Reach"));
            }
            Migration m = migrations.get(version - 1);
            if (!m.checksum().equals(row.getString("checksum"))) {
              return Future.failedFuture(new IllegalStateException(
                  "migration V" + version + " (" + m.name() + ") was changed after it was applied: checksum "
                      + row.getString("checksum") + " in the database, " + m.checksum() + " in this build"));
            }
            applied = version;
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (Migration m : migrations.subList(applied, migrations.size())) {
            chain = chain.compose(n -> conn.query(m.sql()).execute()
                .compose(r -> conn.preparedQuery(
                        "INSERT INTO reach_schema_history (version, name, checksum) VALUES ($1, $2, $3)")
                    .execute(Tuple.of(m.version(), m.name(), m.checksum())))
                .map(r -> {
                  LOG.info("applied migration V" + m.version() + " " + m.name());
                  return n + 1;
                }));
          }
          return chain;
        });
  }

  private static String read(String resource) {
    try (InputStream in = Migrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("resource not found: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
