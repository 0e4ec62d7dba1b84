package dev.reach.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time used so far, in milliseconds, by the processes the benchmark measures: this JVM (every
 * Reach service in local mode), the job processes it spawned (watchers and jobs, reaped children
 * of this JVM), and the Postgres server (postmaster, its live backends, and its reaped children).
 */
record CpuSample(long jvmMs, long jobsMs, long postgresMs) {
  private static final long TICK_MS = 10; // USER_HZ = 100 on Linux

  static CpuSample take(long postmasterPid) {
    long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    long[] self = stat(ProcessHandle.current().pid());
    long jobs = (self[2] + self[3]) * TICK_MS;
    long pg = 0;
    if (postmasterPid > 0) {
      long[] pm = stat(postmasterPid);
      pg = (pm[0] + pm[1] + pm[2] + pm[3]) * TICK_MS;
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : (Iterable<Path>) procs::iterator) {
          String name = p.getFileName().toString();
          if (!name.chars().allMatch(Character::isDigit)) {
            continue;
          }
          long pid = Long.parseLong(name);
          long[] s = stat(pid);
          if (s[4] == postmasterPid) {
            pg += (s[0] + s[1]) * TICK_MS; // reaped children of a backend are not counted: backends fork none
          }
        }
      } catch (IOException e) {
        // /proc unreadable: report what we have
      }
    }
    return new CpuSample(jvm, jobs, pg);
  }

  /** utime, stime, cutime, cstime, ppid of a process; zeros if it is gone. */
  static long[] stat(long pid) {
    try {
      String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
      return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14]), Long.parseLong(f[1])};
    } catch (IOException | RuntimeException e) {
      return new long[5];
    }
  }

  CpuSample minus(CpuSample before) {
    return new CpuSample(jvmMs - before.jvmMs, jobsMs - before.jobsMs, postgresMs - before.postgresMs);
  }
}
