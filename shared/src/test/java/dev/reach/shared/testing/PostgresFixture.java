package dev.reach.shared.testing;

import dev.reach.shared.config.ReachConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Postgres for tests: one embedded server per JVM (zonky), a fresh database per
 * {@link #newDatabase()} call. The server stops when the JVM exits.
 */
public final class PostgresFixture {
  private static EmbeddedPostgres server;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private PostgresFixture() {}

  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder()
            .setServerConfig("timezone", "Pacific/Chatham") // sessions in a zone other than the JVM's (UTC), on purpose
            .setServerConfig("max_connections", "200")
            .setServerConfig("fsync", "off")
            .start();
        EmbeddedPostgres s = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            s.close();
          } catch (IOException ignored) {
            // the JVM is exiting
          }
        }));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** Creates an empty database and returns its {@code REACH_DB_URL}. */
  public static String newDatabase() {
    String name = "reach_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return "postgresql://postgres:postgres@127.0.0.1:" + server().getPort() + "/" + name;
  }

  /** A configuration pointing at a fresh database, with {@code extra} variables on top. */
  public static ReachConfig config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>();
    env.put("REACH_DB_URL", newDatabase());
    env.put("REACH_TEST_MODE", "true");
    env.putAll(extra);
    return ReachConfig.from(env, 0);
  }
}
