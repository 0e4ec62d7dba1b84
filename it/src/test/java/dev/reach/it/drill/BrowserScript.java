package dev.reach.it.drill;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's Playwright script ({@code src/test/browser/dashboard.e2e.mjs}) run by Node in headless
 * Chromium: Debian's {@code chromium} package through {@code playwright-core} installed by {@code npm ci}
 * in that folder (a browser download cannot work here). Its output lines are echoed and can be waited for;
 * {@link #close()} kills it and the browser it started, also when a test fails.
 */
final class BrowserScript implements AutoCloseable {
  static final Path DIR = Path.of("src", "test", "browser");

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> unread = new LinkedBlockingQueue<>();

  private BrowserScript(Process process) {
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          System.out.println("[browser] " + line);
          lines.add(line);
          unread.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "browser-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Why the script cannot run here, or null when node, chromium and playwright-core are all present. */
  static String missing() {
    if (!onPath("node")) {
      return "node is not installed";
    }
    if (!Files.isExecutable(chromium())) {
      return "no chromium at " + chromium() + " (apt-get install chromium, or set CHROMIUM)";
    }
    if (!Files.isDirectory(DIR.resolve("node_modules/playwright-core"))) {
      return "playwright-core is not installed: run npm ci in it/src/test/browser (.ci/run does)";
    }
    return null;
  }

  static Path chromium() {
    String c = System.getenv("CHROMIUM");
    return Path.of(c != null && !c.isBlank() ? c : "/usr/bin/chromium");
  }

  private static boolean onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  static BrowserScript start(Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder("node", "dashboard.e2e.mjs").directory(DIR.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    pb.environment().put("CHROMIUM", chromium().toString());
    try {
      return new BrowserScript(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits for an output line starting with {@code prefix}; fails when the script ends or the time is up first. */
  String await(String prefix, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      String line = unread.poll(200, TimeUnit.MILLISECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
      if (line == null && !process.isAlive() && unread.isEmpty()) {
        throw new AssertionError("the browser script ended (exit " + process.exitValue() + ") before printing " + prefix);
      }
    }
    throw new AssertionError("no '" + prefix + "' from the browser script within " + limit);
  }

  /** Waits for the script to end; its exit code. */
  int waitFor(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the browser script did not finish within " + limit);
    }
    return process.exitValue();
  }

  List<String> output() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly); // chromium and its helpers
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
