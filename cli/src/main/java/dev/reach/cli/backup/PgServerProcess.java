package dev.reach.cli.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PostgreSQL server that reachctl starts as a child process ({@code postgres -D DIR -c name=value ...}),
 * as the {@link ServerUser}, on 127.0.0.1 and a port of its own or on a private Unix socket only, its
 * stderr in a log file. {@link #close()}
 * asks for a fast shutdown ({@code pg_ctl stop -m fast}) and kills it if that does not end it.
 */
public final class PgServerProcess implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

  private final Process process;
  private final String host;
  private final int port;
  private final Path log;
  private final List<String> stop;

  private PgServerProcess(Process process, String host, int port, Path log, List<String> stop) {
    this.process = process;
    this.host = host;
    this.port = port;
    this.log = log;
    this.stop = stop;
  }

  /**
   * Starts the server of {@code dataDir} with {@code settings} on 127.0.0.1 and a free TCP port (no Unix
   * socket), no logging collector, its stderr appended to {@code log}.
   */
  public static PgServerProcess start(PgTools tools, ServerUser user, Path dataDir, Map<String, String> settings, Path log) {
    int port = freePort();
    return launch(tools, user, dataDir, HOST, port, List.of("listen_addresses=" + HOST, "port=" + port,
        "unix_socket_directories="), settings, log);
  }

  /**
   * Starts the server of {@code dataDir} with no TCP at all: its only way in is a Unix socket in
   * {@code socketDir}, which nobody but its owner (the server user) and root can reach when that
   * directory is theirs alone. Its {@link #host()} is that directory, which the client tools and the
   * Postgres client take as a socket directory.
   */
  public static PgServerProcess startPrivate(PgTools tools, ServerUser user, Path dataDir, Path socketDir,
      Map<String, String> settings, Path log) {
    return launch(tools, user, dataDir, socketDir.toString(), PRIVATE_PORT, List.of("listen_addresses=",
        "port=" + PRIVATE_PORT, "unix_socket_directories=" + socketDir), settings, log);
  }

  /** The port of a private server: only its socket file's name ({@code .s.PGSQL.5432}), in a directory of its own. */
  public static final int PRIVATE_PORT = 5432;

  private static PgServerProcess launch(PgTools tools, ServerUser user, Path dataDir, String host, int port,
      List<String> listen, Map<String, String> settings, Path log) {
    List<String> cmd = new ArrayList<>(List.of(tools.tool("postgres"), "-D", dataDir.toString(), "-c", "logging_collector=off"));
    for (String l : listen) {
      cmd.add("-c");
      cmd.add(l);
    }
    settings.forEach((k, v) -> {
      cmd.add("-c");
      cmd.add(k + "=" + v);
    });
    ProcessBuilder pb = new ProcessBuilder(user.wrap(cmd));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new PgServerProcess(pb.start(), host, port, log,
          user.wrap(List.of(tools.tool("pg_ctl"), "stop", "-D", dataDir.toString(), "-m", "fast", "-w", "-t", "30")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + tools.tool("postgres") + " (set REACH_PG_BIN to the directory of"
          + " the PostgreSQL server programs): " + e.getMessage(), e);
    }
  }

  /**
   * The major version of the {@code postgres} program {@code tools} runs ("postgres (PostgreSQL) 15.18"
   * is 15), or a message saying why it cannot be run.
   */
  public static int majorVersion(PgTools tools) {
    List<String> cmd = List.of(tools.tool("postgres"), "--version");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      Matcher m = VERSION.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException(tools.tool("postgres") + " --version said: " + out.strip());
      }
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + tools.tool("postgres") + ": " + e.getMessage() + " (a point-in-time"
          + " restore starts a PostgreSQL server: set REACH_PG_BIN to the directory of its programs, e.g."
          + " /usr/lib/postgresql/15/bin)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** 127.0.0.1, or the socket directory of a {@link #startPrivate private} server. */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** The last {@code n} lines of the server log that do not match {@code skip} (empty when it cannot be read). */
  public List<String> logTail(int n, Pattern skip) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> !skip.matcher(l).find()).toList();
      return lines.subList(Math.max(0, lines.size() - n), lines.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The lines of the server log that match {@code pattern} (empty when it cannot be read). */
  public List<String> logLines(Pattern pattern) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(l -> pattern.matcher(l).find()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    try {
      // pg_ctl stop -m fast: SIGINT (SIGTERM, what destroy() sends, waits for every client to leave)
      Process ctl = new ProcessBuilder(stop).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!ctl.waitFor(40, TimeUnit.SECONDS)) {
        ctl.destroyForcibly();
      }
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }
}
