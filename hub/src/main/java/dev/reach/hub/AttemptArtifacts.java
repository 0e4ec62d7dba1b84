package dev.reach.hub;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Each attempt's artifacts as an explicit list in the run view: {@code attempts[].artifacts =
 * [{"name", "missing": false, "size", "sha256"} | {"name", "missing": true, "reason"}]}.
 *
 * <p>Built from what the attempt's runner recorded in its log metadata ({@code attempts[].log.artifacts}):
 * a stored file as the artifact store answered its upload ({@code path}, {@code sha256}, {@code size}),
 * a file it could not upload as {@code {"name", "missing": true, "reason"}} (older runners wrote
 * {@code error} instead of {@code reason}). An attempt without log metadata yet (running, or lost
 * before it reported) has an empty list. The store is not asked: one run view stays one request.
 */
final class AttemptArtifacts {
  static final String UNKNOWN_REASON = "not uploaded (no reason recorded)";

  private AttemptArtifacts() {}

  /** Adds {@code artifacts} to every attempt of every job of {@code run}; returns {@code run}. */
  static JsonObject addTo(JsonObject run) {
    if (run.getValue("jobs") instanceof JsonArray jobs) {
      for (Object job : jobs) {
        if (job instanceof JsonObject j && j.getValue("attempts") instanceof JsonArray attempts) {
          for (Object attempt : attempts) {
            if (attempt instanceof JsonObject a) {
              a.put("artifacts", of(a.getValue("log")));
            }
          }
        }
      }
    }
    return run;
  }

  /** The explicit list for one attempt's log metadata (null, or without artifacts: empty). */
  static JsonArray of(Object log) {
    JsonArray out = new JsonArray();
    if (log instanceof JsonObject meta && meta.getValue("artifacts") instanceof JsonArray recorded) {
      for (Object entry : recorded) {
        if (entry instanceof JsonObject e) {
          out.add(entry(e));
        }
      }
    }
    return out;
  }

  private static JsonObject entry(JsonObject e) {
    String name = text(e, "name");
    if (name == null) {
      name = text(e, "path");
    }
    if (Boolean.TRUE.equals(e.getValue("missing"))) {
      String reason = text(e, "reason");
      if (reason == null) {
        reason = text(e, "error");
      }
      return new JsonObject().put("name", name).put("missing", true).put("reason", reason == null ? UNKNOWN_REASON : reason);
    }
    return new JsonObject().put("name", name).put("missing", false)
        .put("size", e.getValue("size") instanceof Number n ? n.longValue() : null)
        .put("sha256", text(e, "sha256"));
  }

  private static String text(JsonObject o, String field) {
    return o.getValue(field) instanceof String s && !s.isEmpty() ? s : null;
  }
}
