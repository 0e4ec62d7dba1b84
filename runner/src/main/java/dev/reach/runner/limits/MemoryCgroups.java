package dev.reach.runner.limits;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The runner's own directory in a cgroup v1 memory hierarchy, {@code MOUNT/OWN_CGROUP/reach-RUNNER},
 * under which each job gets one cgroup ({@link JobCgroup}). Usable only when the hierarchy is
 * mounted, the runner may create cgroups in it and a limit written reads back — checked once at
 * start by {@link #probe}. cgroup v2 is not handled (a v2-only machine uses the sampler). Blocking.
 */
public final class MemoryCgroups {
  private static final Logger LOG = Logger.getLogger(MemoryCgroups.class.getName());

  private final Path dir;

  MemoryCgroups(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /**
   * The runner's cgroup directory when a usable v1 memory hierarchy is there; otherwise why not
   * (in {@code whyNot}, for the log or a refusal).
   */
  public static Optional<MemoryCgroups> probe(String runnerId, StringBuilder whyNot) {
    try {
      Optional<Path> mount = memoryMount(Files.readAllLines(Path.of("/proc/self/mounts")));
      if (mount.isEmpty()) {
        whyNot.append("no cgroup v1 memory hierarchy is mounted");
        return Optional.empty();
      }
      Optional<String> own = ownCgroup(Files.readAllLines(Path.of("/proc/self/cgroup")));
      if (own.isEmpty()) {
        whyNot.append("this process is in no v1 memory cgroup");
        return Optional.empty();
      }
      Path dir = mount.get().resolve(own.get().replaceFirst("^/+", "")).resolve("reach-" + runnerId);
      Files.createDirectories(dir);
      MemoryCgroups cgroups = new MemoryCgroups(dir);
      JobCgroup probe = cgroups.create("probe", 64L << 20);
      long readBack = probe.limitBytes();
      probe.delete();
      if (readBack != 64L << 20) {
        whyNot.append("a memory limit written to ").append(probe.dir()).append(" read back as ").append(readBack);
        return Optional.empty();
      }
      cgroups.removeLeftovers();
      return Optional.of(cgroups);
    } catch (IOException | RuntimeException e) {
      whyNot.append("the memory cgroup hierarchy is not writable: ").append(e.getMessage());
      return Optional.empty();
    }
  }

  /** A new cgroup {@code job-NAME} limited to {@code limitBytes} (an old one of that name is replaced). */
  public JobCgroup create(String name, long limitBytes) throws IOException {
    Path d = dir.resolve("job-" + name);
    if (Files.isDirectory(d)) {
      new JobCgroup(d).delete();
    }
    Files.createDirectory(d);
    JobCgroup cg = new JobCgroup(d);
    try {
      cg.limit(limitBytes);
    } catch (IOException e) {
      cg.delete();
      throw e;
    }
    return cg;
  }

  /** Removes the runner's cgroup directory (and empty job cgroups in it); one still in use stays. */
  public void close() {
    removeLeftovers();
    new JobCgroup(dir).delete();
  }

  /** Removes the empty job cgroups earlier incarnations left behind (best effort: one still in use stays). */
  void removeLeftovers() {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, "job-*")) {
      for (Path d : dirs) {
        new JobCgroup(d).delete();
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "leftover job cgroups not listed", e);
    }
  }

  static Optional<Path> memoryMount(List<String> mounts) {
    for (String line : mounts) {
      String[] f = line.split(" ");
      if (f.length >= 4 && f[2].equals("cgroup") && List.of(f[3].split(",")).contains("memory")) {
        return Optional.of(Path.of(f[1]));
      }
    }
    return Optional.empty();
  }

  static Optional<String> ownCgroup(List<String> cgroupLines) {
    for (String line : cgroupLines) {
      String[] f = line.split(":", 3);
      if (f.length == 3 && List.of(f[1].split(",")).contains("memory")) {
        return Optional.of(f[2]);
      }
    }
    return Optional.empty();
  }
}
