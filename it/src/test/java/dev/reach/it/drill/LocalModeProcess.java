package dev.reach.it.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * {@code reachctl dev} in its own JVM, as a person starts local mode: embedded Postgres, one-member
 * cluster, two runners, the hub on {@link #port}. {@link #close()} stops it with SIGTERM (it stops
 * Postgres and removes its data), kills whatever is left after 60 s, and removes the directory.
 */
final class LocalModeProcess implements AutoCloseable {
  final Path dir;
  final int port = DrillCluster.freePort();
  private final Process process;

  LocalModeProcess(Map<String, String> env) throws IOException {
    dir = Files.createTempDirectory("reach-dev-e2e-");
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dvertx.cacheDirBase=" + dir.resolve("vertx-cache"),
        "-cp", System.getProperty("java.class.path"), "dev.reach.cli.ReachCtl", "dev", "--port", String.valueOf(port),
        "--data-dir", dir.resolve("data").toString());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("dev.log").toFile());
    process = pb.start();
    boolean up = false;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300)).until(() -> {
        if (!process.isAlive()) {
          throw new AssertionError("reachctl dev exited during start:\n" + log());
        }
        try {
          return http.send(HttpRequest.newBuilder(URI.create(url() + "/health/ready")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
          return false;
        }
      });
      up = true;
    } finally {
      if (!up) {
        close();
      }
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  String log() {
    try {
      return Files.readString(dir.resolve("dev.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList(); // Postgres, job watchers
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        System.err.println("reachctl dev did not stop within 60 s of SIGTERM; killing it");
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
