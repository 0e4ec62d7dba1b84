package dev.reach.runner.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code /proc/PID/stat} parsing: fields count from the last ')' because a command name may hold both spaces and parentheses. */
class ProcStatTest {
  /** Fields 7 to 21, then 22 (starttime), then a few more. */
  private static final String TAIL = " 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 424242 23 24 25\n";

  @Test
  void readsStatePgrpSessionAndStartTime() {
    ProcStat s = ProcStat.parse(77, "77 (sleep) S 10 77 77" + TAIL).orElseThrow();

    assertThat(s).isEqualTo(new ProcStat(77, 'S', 10, 77, 77, 424242));
    assertThat(s.live()).isTrue();
  }

  @Test
  void aCommandNameWithSpacesAndParenthesesDoesNotShiftTheFields() {
    ProcStat s = ProcStat.parse(78, "78 (a) b (c) Z 1 78 5" + TAIL).orElseThrow();

    assertThat(s.state()).isEqualTo('Z');
    assertThat(s.live()).isFalse();
    assertThat(s.pgrp()).isEqualTo(78);
    assertThat(s.session()).isEqualTo(5);
    assertThat(s.startTicks()).isEqualTo(424242);
  }

  @Test
  void garbageIsEmpty() {
    assertThat(ProcStat.parse(1, "")).isEmpty();
    assertThat(ProcStat.parse(1, "1 (x) S 1 2")).isEmpty();
    assertThat(ProcStat.parse(1, "1 (x) S a b c" + TAIL)).isEmpty();
    assertThat(ProcStat.read(-5)).isEmpty();
  }

  @Test
  void thisJvmHasAStartTimeThatDoesNotChange() {
    long self = ProcessHandle.current().pid();

    ProcStat first = ProcStat.read(self).orElseThrow();
    ProcStat second = ProcStat.read(self).orElseThrow();

    assertThat(first.startTicks()).isPositive().isEqualTo(second.startTicks());
    assertThat(first.live()).isTrue();
  }

  /** Field 22 is really the start time: boot time ({@code btime}) plus the ticks (100 a second here) is when this JVM started. */
  @Test
  void theStartTimeAgreesWithProcessHandle() throws Exception {
    long btime = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).stream()
        .filter(l -> l.startsWith("btime ")).mapToLong(l -> Long.parseLong(l.substring(6).trim())).findFirst().orElseThrow();
    long ticks = ProcStat.read(ProcessHandle.current().pid()).orElseThrow().startTicks();
    java.time.Instant fromStat = java.time.Instant.ofEpochMilli(btime * 1000 + ticks * 10);
    java.time.Instant fromHandle = ProcessHandle.current().info().startInstant().orElseThrow();

    assertThat(java.time.Duration.between(fromStat, fromHandle).abs()).isLessThan(java.time.Duration.ofSeconds(2));
  }
}
