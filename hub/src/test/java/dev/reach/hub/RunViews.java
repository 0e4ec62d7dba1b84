package dev.reach.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Orchestrator run views (the API shape of {@code GET_RUN}) for tests. */
final class RunViews {
  static final String RUN_ID = "0b7e7f0e-3c2a-4a47-9a59-5d1f0f3f6a01";
  static final String JOB_ID = "5f0c9d8e-1111-4c4c-8888-a0b1c2d3e4f5";

  private RunViews() {}

  /** A run with one job {@code build} whose attempts have the given states (attempt n = index + 1). */
  static JsonObject run(String jobState, String... attemptStates) {
    JsonArray attempts = new JsonArray();
    for (int i = 0; i < attemptStates.length; i++) {
      attempts.add(new JsonObject()
          .put("number", i + 1)
          .put("token", 100 + i)
          .put("runner", "runner-1")
          .put("state", attemptStates[i])
          .put("reason", null)
          .put("exit_code", null)
          .put("started_at", "2026-11-01T10:00:00Z")
          .put("ended_at", null));
    }
    JsonObject job = new JsonObject()
        .put("id", JOB_ID)
        .put("name", "build")
        .put("state", jobState)
        .put("exit_code", null)
        .put("reason", null)
        .put("attempt", attemptStates.length)
        .put("attempts", attempts);
    return new JsonObject()
        .put("id", RUN_ID)
        .put("name", "nightly")
        .put("state", "RUNNING")
        .put("created_at", "2026-11-01T10:00:00Z")
        .put("jobs", new JsonArray().add(job));
  }
}
