package dev.reach.it.drill;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Postgres server for one drill, on a fixed port and data directory so the drill can stop
 * it and start it again (the same data), or freeze it: SIGSTOP to the postmaster and every backend,
 * so connections hang instead of failing — the hardest outage for a client to notice.
 */
final class DrillPostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;
  private final List<Long> frozen = new ArrayList<>();

  DrillPostgres(Path dataDir, int port) throws IOException {
    this.dataDir = dataDir;
    this.port = port;
    start();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE reach");
    } catch (java.sql.SQLException e) {
      throw new IOException(e);
    }
  }

  String url() {
    return "postgresql://postgres:postgres@127.0.0.1:" + port + "/reach";
  }

  void start() throws IOException {
    server = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("max_connections", "300")
        .setServerConfig("fsync", "off")
        .setRegisterShutdownHook(false)
        .start();
  }

  /** A clean, fast shutdown of the server (what an operator's stop or a crash-restart looks like to clients). */
  void stop() throws IOException {
    EmbeddedPostgres s = server;
    server = null;
    if (s != null) {
      s.close();
    }
  }

  boolean running() {
    return server != null;
  }

  /** SIGSTOP the postmaster and all its backends. */
  void freeze() throws IOException {
    long postmaster = postmasterPid();
    List<Long> all = new ArrayList<>();
    all.add(postmaster);
    all.addAll(children(postmaster));
    for (long pid : all) {
      Signals.send("STOP", pid);
      frozen.add(pid);
    }
  }

  void thaw() {
    for (long pid : frozen) {
      Signals.send("CONT", pid);
    }
    frozen.clear();
  }

  private long postmasterPid() throws IOException {
    return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
  }

  private static List<Long> children(long parent) {
    List<Long> out = new ArrayList<>();
    ProcessHandle.of(parent).ifPresent(p -> p.descendants().forEach(d -> out.add(d.pid())));
    return out;
  }

  @Override
  public void close() {
    thaw();
    try {
      stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
