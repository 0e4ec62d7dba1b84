package dev.reach.shared.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TransitionsTest {
  private static final Set<String> LEGAL = Set.of(
      "QUEUED>LEASED", "QUEUED>CANCELLED", "QUEUED>FAILED",
      "LEASED>RUNNING", "LEASED>QUEUED", "LEASED>SUCCEEDED", "LEASED>FAILED", "LEASED>CANCELLED", "LEASED>QUARANTINED",
      "RUNNING>SUCCEEDED", "RUNNING>FAILED", "RUNNING>QUEUED", "RUNNING>CANCELLED", "RUNNING>QUARANTINED");

  @Test
  void everyPairIsLegalExactlyWhenListed() {
    int checked = 0;
    for (JobState from : JobState.values()) {
      for (JobState to : JobState.values()) {
        boolean expected = LEGAL.contains(from + ">" + to);
        assertThat(Transitions.isLegal(from, to)).as(from + " -> " + to).isEqualTo(expected);
        if (expected) {
          Transitions.check(from, to);
        } else {
          assertThatThrownBy(() -> Transitions.check(from, to))
              .isInstanceOf(IllegalTransitionException.class)
              .satisfies(e -> {
                IllegalTransitionException ite = (IllegalTransitionException) e;
                assertThat(ite.from()).isEqualTo(from);
                assertThat(ite.to()).isEqualTo(to);
              });
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(49);
  }

  @ParameterizedTest
  @EnumSource(value = JobState.class, names = {"SUCCEEDED", "FAILED", "CANCELLED", "QUARANTINED"})
  void terminalStatesNeverChange(JobState terminal) {
    assertThat(terminal.isTerminal()).isTrue();
    assertThat(Transitions.from(terminal)).isEmpty();
  }

  @Test
  void noStateTransitionsToItself() {
    for (JobState s : JobState.values()) {
      assertThat(Transitions.isLegal(s, s)).isFalse();
    }
  }

  @Test
  void liveStatesAreExactlyLeasedAndRunning() {
    EnumSet<JobState> leased = EnumSet.noneOf(JobState.class);
    for (JobState s : JobState.values()) {
      if (s.isLeased()) {
        leased.add(s);
      }
    }
    assertThat(leased).containsExactlyInAnyOrder(JobState.LEASED, JobState.RUNNING);
  }

  @Test
  void endReasonsHaveStableWireNames() {
    assertThat(EndReason.EXIT_CODE.wire()).isEqualTo("exit_code");
    assertThat(EndReason.LEASE_EXPIRED.wire()).isEqualTo("lease_expired");
    assertThat(EndReason.fromWire("self_fenced")).isEqualTo(EndReason.SELF_FENCED);
    assertThat(EndReason.TIMEOUT.kind()).isEqualTo(EndReason.Kind.OWN);
    assertThat(EndReason.INTERRUPTED.kind()).isEqualTo(EndReason.Kind.RELEASED);
  }
}
