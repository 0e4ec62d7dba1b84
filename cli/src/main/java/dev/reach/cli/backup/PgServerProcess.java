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
 * as the {@link ServerUser}, on 127.0.0.1 and a port of its own, its stderr in a log file. {@link #close()}
 * asks for a fast shutdown ({@code pg_ctl stop -m fast}) and kills it if that does not end it.
 */
public final class PgServerProcess implements AutoCloseable {
  public static final String HOST = "127.0.0.1";
  private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)");

  private final Process process;
  private final int port;
  private final Path log;
  private final List<String> stop;

  private PgServerProcess(Process process, int port, Path log, List<String> stop) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.stop = stop;
  }

  /**
   * Starts the server of {@code dataDir} with {@code settings} (on top of: listen on 127.0.0.1 only, a free
   * port, no Unix socket, no logging collector), its stderr appended to {@code log}.
   */
  public static PgServerProcess start(PgTools tools, ServerUser user, Path dataDir, Map<String, String> settings, Path log) {
    int port = freePort();
    List<String> cmd = new ArrayList<>(List.of(tools.tool("postgres"), "-D", dataDir.toString(),
        "-c", "listen_addresses=" + HOST, "-c", "port=" + port, "-c", "unix_socket_directories=",
        "-c", "logging_collector=off"));
    settings.forEach((k, v) -> {
      cmd.add("-c");
      cmd.add(k + "=" + v);
    });
    ProcessBuilder pb = new ProcessBuilder(user.wrap(cmd));
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      return new PgServerProcess(pb.start(), port, log,
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

  public int port() {
    return port;
  }

  public boolean alive() {
    return process.isAlive();
  }

  public Path log() {
    return log;
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
      new ProcessBuilder(stop).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
          .waitFor(40, TimeUnit.SECONDS);
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
