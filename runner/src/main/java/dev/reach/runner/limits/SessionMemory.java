package dev.reach.runner.limits;

import dev.reach.runner.process.ProcStat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The resident memory of one job: the sum of {@code VmRSS} over every live process whose session
 * or process group is the job's (the watcher starts the job with {@code setsid}, so both are its
 * pid). Pages shared between the job's processes count once per process, so the sum can be higher
 * than what the job really holds — never lower. Blocking (reads {@code /proc}): call off the event loop.
 */
public final class SessionMemory {
  private SessionMemory() {}

  /** Bytes resident in the processes of session (or group) {@code leader}; 0 when none is left. */
  public static long residentBytes(long leader) {
    long total = 0;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> isPid(p.getFileName().toString()))) {
      for (Path d : dirs) {
        long pid = Long.parseLong(d.getFileName().toString());
        var stat = ProcStat.read(pid);
        if (stat.isPresent() && stat.get().live() && (stat.get().session() == leader || stat.get().pgrp() == leader)) {
          total += rssBytes(d.resolve("status"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list /proc", e);
    }
    return total;
  }

  /** {@code VmRSS} of one {@code /proc/PID/status} in bytes; 0 when the process is gone (or a kernel thread). */
  static long rssBytes(Path status) {
    List<String> lines;
    try {
      lines = Files.readAllLines(status);
    } catch (IOException e) {
      return 0; // exited between the listing and this read
    }
    for (String line : lines) {
      if (line.startsWith("VmRSS:")) {
        String[] f = line.substring(6).trim().split("\\s+");
        try {
          return Long.parseLong(f[0]) * 1024; // the kernel reports kB
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  private static boolean isPid(String n) {
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
}
