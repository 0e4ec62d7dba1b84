package dev.reach.runner.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The resident memory of a real session: its processes' VmRSS summed. */
class SessionMemoryTest {
  @Test
  void sumsTheResidentMemoryOfEveryProcessInTheSession() throws Exception {
    // a session of two processes holding 40 MiB and 30 MiB (bytes written, so really resident)
    Process p = new ProcessBuilder(List.of("setsid", "sh", "-c",
        "python3 -c 'import time; x=bytearray(40<<20); time.sleep(30)' & "
            + "python3 -c 'import time; x=bytearray(30<<20); time.sleep(30)' & wait"))
        .redirectErrorStream(true).start();
    long sid = p.pid(); // setsid execs in place: the child is the session leader
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> SessionMemory.residentBytes(sid) > 70L << 20);
      assertThat(SessionMemory.residentBytes(sid)).isLessThan(200L << 20);
    } finally {
      new ProcessBuilder("/bin/bash", "-c", "kill -KILL -- -" + sid).start().waitFor(5, TimeUnit.SECONDS);
      p.waitFor(5, TimeUnit.SECONDS);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> SessionMemory.residentBytes(sid) == 0);
  }

  @Test
  void aProcessThatIsGoneHoldsNothing() {
    assertThat(SessionMemory.rssBytes(java.nio.file.Path.of("/proc/0/status"))).isZero();
  }
}
