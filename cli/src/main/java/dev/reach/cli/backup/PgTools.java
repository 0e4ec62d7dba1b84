package dev.reach.cli.backup;

import dev.reach.shared.config.DbUrl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The standard PostgreSQL client tools (pg_dump, pg_restore, psql), run as child processes. The password
 * goes in {@code PGPASSWORD}, never on a command line; a tool that outlives its timeout is killed.
 * {@code REACH_PG_BIN} names the directory of the tools when they are not on the PATH.
 */
public final class PgTools {
  /** What a tool did: its exit code and the end of its stderr. */
  public record Result(int exit, String stderr) {
    public boolean ok() {
      return exit == 0;
    }
  }

  private final String binDir;

  public PgTools(String binDir) {
    this.binDir = binDir == null || binDir.isBlank() ? null : binDir;
  }

  public static PgTools from(Map<String, String> env) {
    return new PgTools(env.get("REACH_PG_BIN"));
  }

  String tool(String name) {
    return binDir == null ? name : Path.of(binDir, name).toString();
  }

  /** {@code -h -p -U} of {@code url} (no database, no password). */
  static List<String> connection(DbUrl url) {
    return List.of("-h", url.host(), "-p", Integer.toString(url.port()), "-U", url.user());
  }

  /** Connect options for {@code url} (a URL without a password connects without one: trust, peer, .pgpass). */
  public static io.vertx.pgclient.PgConnectOptions options(DbUrl url) {
    io.vertx.pgclient.PgConnectOptions o = new io.vertx.pgclient.PgConnectOptions().setHost(url.host()).setPort(url.port())
        .setDatabase(url.database()).setUser(url.user());
    if (url.password() != null) {
      o.setPassword(url.password());
    }
    return o;
  }

  public Result run(String name, List<String> args, DbUrl url, Duration timeout) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool(name));
    cmd.addAll(args);
    Result r = exec(cmd, url.password(), timeout);
    return r.exit() == NOT_STARTED ? new Result(-1, r.stderr() + " (install the PostgreSQL client tools or set REACH_PG_BIN)") : r;
  }

  /** Exit code of a command that could not be started. */
  static final int NOT_STARTED = -2;

  /**
   * Runs {@code cmd} (its stdout discarded), the password (if any) in {@code PGPASSWORD}; answers its exit
   * code and the end of its stderr; kills it (and its children) after {@code timeout}.
   */
  static Result exec(List<String> cmd, String password, Duration timeout) {
    String name = Path.of(cmd.get(0)).getFileName().toString();
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    pb.environment().put("PGCONNECT_TIMEOUT", "10");
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Path err = null;
    try {
      err = Files.createTempFile("reach-" + name, ".err");
      pb.redirectError(err.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        return new Result(-1, name + " did not finish within " + timeout.toSeconds() + " s and was killed");
      }
      return new Result(p.exitValue(), tail(Files.readString(err, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      return new Result(NOT_STARTED, "cannot run " + cmd.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, name + " interrupted");
    } finally {
      if (err != null) {
        try {
          Files.deleteIfExists(err);
        } catch (IOException ignored) {
          // a temp file
        }
      }
    }
  }

  private static String tail(String s) {
    String t = s.strip();
    return t.length() <= 2000 ? t : "..." + t.substring(t.length() - 2000);
  }
}
