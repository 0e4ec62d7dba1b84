package dev.reach.runner.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Process groups as {@code /proc} shows them: who is alive in one, killing one whole, waiting
 * until one is gone. A job's group is its pid (the watcher starts it with {@code setsid}). All
 * methods block: call them off the event loop.
 */
public final class ProcessGroups {
  private static final long POLL_MS = 10;

  private ProcessGroups() {}

  /** Live (non-zombie) processes whose process group is {@code pgid}. */
  public static List<Long> liveMembers(long pgid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), ProcessGroups::isPidDir)) {
      for (Path d : dirs) {
        ProcStat.read(Long.parseLong(d.getFileName().toString()))
            .filter(s -> s.pgrp() == pgid && s.live())
            .ifPresent(s -> out.add(s.pid()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return out;
  }

  private static boolean isPidDir(Path p) {
    String n = p.getFileName().toString();
    if (n.isEmpty()) {
      return false;
    }
    for (int i = 0; i < n.length(); i++) {
      if (!Character.isDigit(n.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  public static boolean gone(long pgid) {
    return liveMembers(pgid).isEmpty();
  }

  /**
   * SIGKILLs every process of group {@code pgid} ({@code kill -KILL -- -PGID}, bash's built-in:
   * bash is there for the watcher anyway, a {@code kill} binary may not be). The caller must
   * have made sure the group is the one it means (its leader's recorded start time). Refuses
   * groups 0 and 1 and this JVM's own group.
   */
  public static void kill(long pgid) throws IOException {
    if (pgid <= 1 || pgid == ownGroup()) {
      throw new IllegalArgumentException("refusing to kill process group " + pgid);
    }
    Process kill = new ProcessBuilder("/bin/bash", "-c", "kill -KILL -- \"-$1\"", "reach-kill", Long.toString(pgid))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      if (!kill.waitFor(5, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new IOException("kill -KILL -" + pgid + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted killing group " + pgid, e);
    }
    // a non-zero exit means there was no such group left: nothing to kill
  }

  /** Waits up to {@code within} until none of {@code pgids} has a live member; returns those still alive. */
  public static List<Long> awaitGone(Collection<Long> pgids, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    List<Long> left = new ArrayList<>(pgids);
    while (true) {
      left.removeIf(ProcessGroups::gone);
      if (left.isEmpty() || System.nanoTime() - deadline >= 0) {
        return left;
      }
      try {
        Thread.sleep(POLL_MS); // polling /proc: there is no notification for a foreign process group
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return left;
      }
    }
  }

  private static long ownGroup() {
    return ProcStat.read(ProcessHandle.current().pid()).map(ProcStat::pgrp).orElse(ProcessHandle.current().pid());
  }
}
