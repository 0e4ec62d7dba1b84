package dev.reach.cli.drill;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code docker} command line (it reads {@code DOCKER_HOST} and the Docker context itself, as the
 * user's own {@code docker} commands do). Each call is bounded in time; a failure names the command and
 * what Docker said.
 */
final class DockerCli {
  private static final long TIMEOUT_S = 90;

  private final String executable;

  DockerCli(String executable) {
    this.executable = executable;
  }

  /** Runs {@code docker args...}; its standard output, trimmed. */
  String run(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable);
    cmd.addAll(List.of(args));
    String what = String.join(" ", cmd);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw new DrillException("cannot run `" + what + "`: " + e.getMessage()
          + " (the compose target needs the docker command line on the PATH)", e);
    }
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try {
      if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new DrillException("`" + what + "` did not finish within " + TIMEOUT_S + " s");
      }
      if (p.exitValue() != 0) {
        throw new DrillException("`" + what + "` exited " + p.exitValue() + ": " + err.get(5, TimeUnit.SECONDS).strip());
      }
      return out.get(5, TimeUnit.SECONDS).strip();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new DrillException("interrupted while running `" + what + "`", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new DrillException("cannot read the output of `" + what + "`: " + e, e);
    }
  }

  /** Reads the stream to its end on a thread of its own (a full stderr pipe must never stall the command). */
  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (in) {
        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.complete("");
      }
    }, "docker-output");
    t.setDaemon(true);
    t.start();
    return text;
  }
}
