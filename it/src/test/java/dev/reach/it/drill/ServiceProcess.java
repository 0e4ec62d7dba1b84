package dev.reach.it.drill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Reach service in its own JVM, started as {@code reachctl service NAME} — the production
 * entry point, with its signal handling — configured only by environment. Output goes to
 * {@code <dir>/<name>.log} (appended across restarts).
 */
final class ServiceProcess {
  final String name;
  final String kind;
  private final Map<String, String> env;
  private final Path log;
  /** Vert.x's file cache inside the drill's directory: a SIGKILLed service never removes its own. */
  private final Path cacheDirBase;
  private Process process;

  ServiceProcess(String name, String kind, Map<String, String> env, Path dir) {
    this.name = name;
    this.kind = kind;
    this.env = Map.copyOf(env);
    this.log = dir.resolve(name + ".log");
    this.cacheDirBase = dir.resolve("vertx-cache");
  }

  ServiceProcess start() {
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Djdk.lang.Process.launchMechanism=VFORK", "-Dvertx.cacheDirBase=" + cacheDirBase,
        "-cp", System.getProperty("java.class.path"), "dev.reach.cli.ReachCtl", "service", kind);
    pb.environment().clear();
    pb.environment().put("PATH", System.getenv("PATH"));
    pb.environment().put("HOME", System.getProperty("java.io.tmpdir"));
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    try {
      Files.writeString(log, "---- start " + name + " ----\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  void signal(String signal) {
    Signals.send(signal, process.pid());
  }

  /** SIGKILL and wait until the JVM is gone. */
  void kill() {
    if (alive()) {
      Signals.send("CONT", process.pid());
      process.destroyForcibly();
    }
    waitFor(Duration.ofSeconds(30));
  }

  /** Waits for the JVM to exit; its exit code, or -1 if it did not exit in time. */
  int waitFor(Duration limit) {
    try {
      return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "";
    }
  }
}
