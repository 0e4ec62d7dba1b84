package dev.reach.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed outcome of a heartbeat: the tokens renewed for {@code ttlMs} (database clock).
 * A held token that is not renewed is no longer current — the runner must kill its job.
 */
public record HeartbeatAck(List<Long> renewed, long ttlMs) {
  public JsonObject toJson() {
    return new JsonObject().put("renewed", new JsonArray(new ArrayList<Object>(renewed))).put("ttl_ms", ttlMs);
  }

  public static HeartbeatAck fromJson(JsonObject o) {
    List<Long> renewed = new ArrayList<>();
    for (Object t : Fields.array(o, "renewed")) {
      renewed.add(((Number) t).longValue());
    }
    return new HeartbeatAck(renewed, Fields.longValue(o, "ttl_ms"));
  }
}
