package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServiceCommandTest {
  @ParameterizedTest
  @ValueSource(strings = {"orchestrator", "runner", "hub", "artifact-store"})
  void invalidConfigExits2NamingTheVariable(String service) {
    CliHarness h = new CliHarness().env(Map.of("REACH_LEASE_TTL_MS", "soon"));
    assertThat(h.run("service", service)).isEqualTo(2);
    assertThat(h.err()).contains("REACH_LEASE_TTL_MS=soon", "not an integer");
    assertThat(h.out()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"500", "99999999999"})
  void outOfRangeLeaseTtlExits2(String value) {
    CliHarness h = new CliHarness().env(Map.of("REACH_LEASE_TTL_MS", value));
    assertThat(h.run("service", "orchestrator")).isEqualTo(2);
    assertThat(h.err()).contains("REACH_LEASE_TTL_MS=" + value, "must be between");
  }

  @ParameterizedTest
  @ValueSource(strings = {"orchestrator", "hub"})
  void everyBadVariableIsNamed(String service) {
    CliHarness h = new CliHarness().env(Map.of("REACH_LEASE_TTL_MS", "x", "REACH_DB_URL", "mysql://db/x"));
    assertThat(h.run("service", service)).isEqualTo(2);
    assertThat(h.err()).contains("REACH_LEASE_TTL_MS", "REACH_DB_URL");
  }

  @Test
  void devWithInvalidConfigExits2BeforeStartingAnything() {
    CliHarness.ManualStop stop = new CliHarness.ManualStop();
    CliHarness h = new CliHarness().env(Map.of("REACH_LEASE_TTL_MS", "soon")).stopSignal(stop);
    assertThat(h.run("dev", "--port", "0")).isEqualTo(2);
    assertThat(h.err()).contains("REACH_LEASE_TTL_MS=soon");
    assertThat(stop.finished.getCount()).isZero();
  }
}
