package dev.reach.runner.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the v1 memory hierarchy and this process's cgroup in it. */
class MemoryCgroupsTest {
  @Test
  void findsTheV1MemoryMountAmongOthers() {
    List<String> mounts = List.of(
        "proc /proc proc rw,nosuid 0 0",
        "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,nosuid 0 0",
        "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0",
        "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0");
    assertThat(MemoryCgroups.memoryMount(mounts)).contains(Path.of("/sys/fs/cgroup/memory"));
    assertThat(MemoryCgroups.memoryMount(mounts.subList(0, 3))).isEmpty();
  }

  @Test
  void findsThisProcesssMemoryCgroup() {
    List<String> lines = List.of("5:devices:/", "4:memory:/process_api/abc", "3:cpu,cpuacct:/x", "0::/");
    assertThat(MemoryCgroups.ownCgroup(lines)).contains("/process_api/abc");
    assertThat(MemoryCgroups.ownCgroup(List.of("0::/user.slice"))).isEmpty();
  }
}
