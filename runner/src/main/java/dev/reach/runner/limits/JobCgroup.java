package dev.reach.runner.limits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One job's cgroup v1 memory cgroup: the kernel holds the job's processes together to
 * {@code memory.limit_in_bytes} (page cache included; it is reclaimed before anything is killed)
 * and OOM-kills inside the cgroup when they go over; {@code memory.oom_control}'s {@code oom_kill}
 * counts those kills. Blocking.
 */
public final class JobCgroup {
  private final Path dir;

  JobCgroup(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The file the job's first process writes its pid to. */
  public Path procs() {
    return dir.resolve("cgroup.procs");
  }

  void limit(long bytes) throws IOException {
    Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(bytes), StandardCharsets.US_ASCII);
  }

  long limitBytes() throws IOException {
    return readLong("memory.limit_in_bytes");
  }

  /** How many processes the kernel killed in this cgroup for being over its limit. */
  public long oomKills() throws IOException {
    for (String line : Files.readAllLines(dir.resolve("memory.oom_control"))) {
      if (line.startsWith("oom_kill ")) {
        return Long.parseLong(line.substring(9).trim());
      }
    }
    // kernels before 4.13 have no counter: a limit reached is the best evidence there is
    return Long.parseLong(Files.readString(dir.resolve("memory.failcnt")).trim()) > 0 ? 1 : 0;
  }

  /** The most memory the cgroup held (bytes, page cache included). */
  public long maxUsageBytes() throws IOException {
    return readLong("memory.max_usage_in_bytes");
  }

  private long readLong(String file) throws IOException {
    return Long.parseLong(Files.readString(dir.resolve(file)).trim());
  }

  /** Removes the cgroup; it must hold no process any more (a cgroup still in use stays, and false is returned). */
  public boolean delete() {
    try {
      Files.deleteIfExists(dir); // rmdir: a cgroup's control files go with it
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
