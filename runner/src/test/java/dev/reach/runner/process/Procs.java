package dev.reach.runner.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code /proc} says about processes: state, process group and session. A zombie (state
 * {@code Z}) counts as dead: it runs nothing any more, and in a container whose PID 1 is not an
 * init its orphans may stay unreaped for a while.
 */
public final class Procs {
  private Procs() {}

  /** One line of {@code /proc/PID/stat}, the fields the tests need. */
  public record Stat(long pid, char state, long ppid, long pgrp, long session) {
    public boolean live() {
      return state != 'Z' && state != 'X' && state != 'x';
    }
  }

  public static Optional<Stat> stat(long pid) {
    String text;
    try {
      text = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException e) {
      return Optional.empty(); // gone (or never was)
    }
    // "pid (comm) state ppid pgrp session ..." where comm may hold spaces and parentheses
    String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
    return Optional.of(new Stat(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
  }

  public static boolean alive(long pid) {
    return stat(pid).map(Stat::live).orElse(false);
  }

  /** Live (non-zombie) processes whose process group is {@code pgid}. */
  public static List<Long> liveInGroup(long pgid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        stat(Long.parseLong(d.getFileName().toString()))
            .filter(s -> s.pgrp() == pgid && s.live())
            .ifPresent(s -> out.add(s.pid()));
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  /** Live processes whose working directory is {@code dir} or below it (a job's, whatever its group). */
  public static List<Long> liveIn(Path dir) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path d : dirs) {
        try {
          Path cwd = Files.readSymbolicLink(d.resolve("cwd"));
          long pid = Long.parseLong(d.getFileName().toString());
          if (cwd.startsWith(dir) && alive(pid)) {
            out.add(pid);
          }
        } catch (IOException | SecurityException e) {
          // gone, or not ours to look at
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  public static boolean groupGone(long pgid) {
    return liveInGroup(pgid).isEmpty();
  }

  /**
   * Test cleanup: SIGKILLs what is left of a job's group. Only processes of that group that are
   * also in the job's session ({@code sid == pgid}, as the watcher's {@code setsid} makes it) and
   * were started after {@code notBefore} are touched, so a reused pid of someone else's is never hit.
   */
  public static void killGroup(long pgid, Instant notBefore) {
    if (pgid <= 1 || pgid == ProcessHandle.current().pid()) {
      return;
    }
    for (long pid : liveInGroup(pgid)) {
      Optional<Stat> s = stat(pid);
      if (s.isEmpty() || s.get().session() != pgid) {
        continue;
      }
      ProcessHandle.of(pid)
          .filter(h -> h.info().startInstant().map(t -> !t.isBefore(notBefore)).orElse(false))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Test cleanup: SIGKILLs one process this test started (checked by its start time). */
  public static void kill(long pid, Instant notBefore) {
    if (pid <= 1 || pid == ProcessHandle.current().pid()) {
      return;
    }
    ProcessHandle.of(pid)
        .filter(h -> h.info().startInstant().map(t -> !t.isBefore(notBefore)).orElse(false))
        .ifPresent(ProcessHandle::destroyForcibly);
  }
}
