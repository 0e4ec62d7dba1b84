package dev.reach.cli.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Faults for Reach services running as processes on this host ({@code reachctl service ...}, one service
 * per JVM), through signals: SIGKILL, SIGSTOP/SIGCONT. The members come from the cluster's node directory
 * ({@code GET /admin/api/system-status}: each node's pid and services); a pid is signalled only when it
 * is a process of this host whose command line is that Reach service's. Local processes cannot be started
 * again by the drill (whoever started them does that), and a network cut is stood in for by SIGSTOP: the
 * process stops answering, which is what its peers see of a cut.
 */
public final class LocalFaults implements FaultInjector {
  /** This JVM's host name as the JVM names it in a node id ({@code PID@HOST}). */
  private static final class ManagementFactoryHost {
    static String name() {
      String n = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
      int at = n.indexOf('@');
      return at < 0 ? n : n.substring(at + 1);
    }
  }

  private final Supplier<JsonObject> systemStatus;
  private final Path jobDir;

  public LocalFaults(Supplier<JsonObject> systemStatus, Path jobDir) {
    this.systemStatus = systemStatus;
    this.jobDir = jobDir;
    try {
      Files.createDirectories(jobDir);
    } catch (IOException e) {
      throw new DrillException("cannot create the drill's job directory " + jobDir + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String describe() {
    return "local processes (signals), job directory " + jobDir;
  }

  @Override
  public List<Member> members(Role role) {
    List<Member> out = new ArrayList<>();
    JsonArray nodes = systemStatus.get().getJsonArray("nodes", new JsonArray());
    for (Object o : nodes) {
      JsonObject node = (JsonObject) o;
      JsonObject service = node.getJsonObject("services", new JsonObject()).getJsonObject(role.label());
      Long pid = node.getJsonObject("node", new JsonObject()).getLong("pid");
      if (service == null || pid == null || !onThisHost(node.getString("node_id", "")) || !isLocalService(pid, role)) {
        continue;
      }
      out.add(new Member(service.getString("instance", node.getString("node_id")), role, Long.toString(pid)));
    }
    out.sort(Comparator.comparing(Member::name));
    return out;
  }

  /**
   * A node id is {@code PID@HOST-SUFFIX}: true when HOST is this host's name, so that a node in a container
   * (its pid is the container's) is never matched against a process of this host with the same pid.
   */
  static boolean onThisHost(String nodeId) {
    int at = nodeId.indexOf('@');
    int dash = nodeId.lastIndexOf('-');
    if (at < 0 || dash <= at) {
      return false;
    }
    return nodeId.substring(at + 1, dash).equals(LOCAL_HOST);
  }

  private static final String LOCAL_HOST = ManagementFactoryHost.name();

  /** True when {@code pid} runs here and its command line is {@code ... service ROLE}. */
  static boolean isLocalService(long pid, Role role) {
    if (pid <= 1 || pid == ProcessHandle.current().pid()) {
      return false;
    }
    try {
      String[] args = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .split("\0");
      for (int i = 0; i + 1 < args.length; i++) {
        if (args[i].equals("service") && args[i + 1].equals(role.label())) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false; // not on this host, or gone
    }
  }

  @Override
  public Member orchestrator(String nodeId) {
    return members(Role.ORCHESTRATOR).stream().filter(m -> m.name().equals(nodeId)).findFirst().orElse(null);
  }

  @Override
  public Member runner(String runnerId) {
    return members(Role.RUNNER).stream().filter(m -> m.name().equals(runnerId)).findFirst().orElse(null);
  }

  @Override
  public void kill(Member m) {
    signal(m, "KILL");
  }

  @Override
  public void start(Member m) {
    throw new DrillException("the local target cannot start " + m + " again: start it the way it was started");
  }

  @Override
  public void restart(Member m) {
    throw new DrillException("the local target cannot restart " + m + ": use --target compose");
  }

  @Override
  public void pause(Member m) {
    signal(m, "STOP");
  }

  @Override
  public void unpause(Member m) {
    signal(m, "CONT");
  }

  @Override
  public void disconnect(Member m) {
    signal(m, "STOP");
  }

  @Override
  public void reconnect(Member m) {
    signal(m, "CONT");
  }

  @Override
  public boolean awaitHealthy(Member m, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        for (Object o : systemStatus.get().getJsonArray("nodes", new JsonArray())) {
          JsonObject node = (JsonObject) o;
          JsonObject service = node.getJsonObject("services", new JsonObject()).getJsonObject(m.role().label());
          if (service != null && m.handle().equals(String.valueOf(node.getJsonObject("node", new JsonObject()).getLong("pid")))
              && "HEALTHY".equals(service.getString("state"))) {
            return true;
          }
        }
      } catch (RuntimeException e) {
        // the hub may not answer for a moment: ask again
      }
      Thread.sleep(500);
    }
    return false;
  }

  private static void signal(Member m, String signal) {
    long pid = Long.parseLong(m.handle());
    if (!isLocalService(pid, m.role())) {
      throw new DrillException("pid " + pid + " (" + m + ") is no longer a local " + m.role().label() + " process: not signalled");
    }
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new DrillException("kill -" + signal + " " + pid + " failed: " + out);
      }
    } catch (IOException e) {
      throw new DrillException("cannot run kill: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DrillException("interrupted", e);
    }
  }

  @Override
  public String jobDir() {
    return jobDir.toString();
  }

  @Override
  public String readStamps(String prefix) {
    StringBuilder sb = new StringBuilder();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(jobDir, prefix + "*.stamps")) {
      for (Path f : files) {
        String key = f.getFileName().toString().replaceFirst("\\.stamps$", "");
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          sb.append(key).append(' ').append(line).append('\n');
        }
      }
    } catch (IOException e) {
      throw new DrillException("cannot read the stamps in " + jobDir + ": " + e.getMessage(), e);
    }
    return sb.toString();
  }
}
