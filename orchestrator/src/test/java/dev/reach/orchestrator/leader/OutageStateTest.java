package dev.reach.orchestrator.leader;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.testing.SettableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutageStateTest {
  private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final OutageState outage = new OutageState(clock, 60_000);

  @Test
  void extensionsAreCappedInTotalFromTheStartOfTheOutage() {
    outage.databaseDown();
    assertThat(outage.tryExtend()).isEqualTo(60_000);
    clock.advance(Duration.ofSeconds(59));
    assertThat(outage.tryExtend()).isEqualTo(1_000);
    clock.advance(Duration.ofSeconds(1));
    assertThat(outage.tryExtend()).isZero();
    assertThat(outage.describe().getLong("extensions_granted")).isEqualTo(2);
    assertThat(outage.describe().getLong("extensions_refused")).isEqualTo(1);
  }

  @Test
  void theCapStartsAgainAfterTheDatabaseCameBackButAGraceStaysDueUntilCommitted() {
    outage.databaseDown();
    clock.advance(Duration.ofSeconds(70));
    assertThat(outage.tryExtend()).isZero();
    outage.databaseUp();
    assertThat(outage.graceNeeded()).isTrue();
    outage.graceCommitted();
    assertThat(outage.graceNeeded()).isFalse();
    clock.advance(Duration.ofSeconds(5));
    assertThat(outage.tryExtend()).isEqualTo(60_000);
    assertThat(outage.graceNeeded()).as("an extension makes a grace due").isTrue();
  }
}
