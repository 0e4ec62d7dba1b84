package dev.reach.shared.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** A lifecycle names the instance it serves (a runner id, an orchestrator node id) once it was told, not before. */
class LifecycleIdentifyTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void describeNamesTheInstanceOnlyAfterIdentify() {
    Lifecycle l = new Lifecycle("runner", clock);

    JsonObject before = l.describe();
    l.identify("runner-7");
    JsonObject after = l.describe();

    assertThat(before.fieldNames()).containsExactlyInAnyOrder("state", "reason", "since_ms");
    assertThat(after.getString("instance")).isEqualTo("runner-7");
    JsonObject rest = after.copy();
    rest.remove("instance");
    assertThat(rest).isEqualTo(before);
  }

  @Test
  void theInstanceStaysThroughStateChanges() {
    Lifecycle l = new Lifecycle("orchestrator", clock);
    l.identify("node-a");

    l.moveTo(LifecycleState.HEALTHY, "ready");

    assertThat(l.describe().getString("state")).isEqualTo("HEALTHY");
    assertThat(l.describe().getString("instance")).isEqualTo("node-a");
  }
}
