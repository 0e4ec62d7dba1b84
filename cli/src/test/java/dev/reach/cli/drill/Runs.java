package dev.reach.cli.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** Synthetic runs as {@code GET /api/v1/runs/{id}} returns them, for the drill's checks. */
final class Runs {
  /** The fault time of the synthetic drills: every timestamp below is relative to it. */
  static final Instant FAULT = Instant.parse("2026-12-01T10:00:00Z");

  private Runs() {}

  static JsonObject run(String id, String name, JsonObject... jobs) {
    JsonArray list = new JsonArray();
    for (JsonObject j : jobs) {
      list.add(j);
    }
    return new JsonObject().put("id", id).put("name", name).put("state", "RUNNING").put("jobs", list);
  }

  static JsonObject job(String name, String state, JsonObject... attempts) {
    JsonArray list = new JsonArray();
    for (JsonObject a : attempts) {
      list.add(a);
    }
    return new JsonObject().put("name", name).put("state", state).put("attempts", list);
  }

  /** Attempt {@code number}, started and ended at these seconds from {@link #FAULT} (null: not that far). */
  static JsonObject attempt(int number, String state, String runner, Integer startedS, Integer endedS) {
    return new JsonObject().put("number", number).put("state", state).put("runner", runner)
        .put("started_at", at(startedS)).put("ended_at", at(endedS));
  }

  static String at(Integer secondsFromFault) {
    return secondsFromFault == null ? null : FAULT.plusSeconds(secondsFromFault).toString();
  }

  static long ms(int secondsFromFault) {
    return FAULT.plusSeconds(secondsFromFault).toEpochMilli();
  }

  /** A workload with no hub: the runs are recorded as accepted under the given stamp prefixes. */
  static DrillWorkload workload() {
    return new DrillWorkload(null, "D", "/unused", 1);
  }
}
