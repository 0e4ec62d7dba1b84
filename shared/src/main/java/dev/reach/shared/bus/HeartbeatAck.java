package dev.reach.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed outcome of a heartbeat: the tokens renewed for {@code ttlMs} (database clock).
 * A held token that is not renewed is no longer current — the runner must kill its job.
 *
 * <p>An {@code extension} ack is the leader's answer while the database is unreachable: nothing was
 * committed, the runner may keep its jobs running for one more TTL; {@code outageRemainingMs} is
 * what is left of the ride-through cap. An extension never revokes anything: a token missing from
 * it is only not extended.
 */
public record HeartbeatAck(List<Long> renewed, long ttlMs, boolean extension, long outageRemainingMs) {
  public HeartbeatAck(List<Long> renewed, long ttlMs) {
    this(renewed, ttlMs, false, -1);
  }

  public JsonObject toJson() {
    JsonObject o = new JsonObject().put("renewed", new JsonArray(new ArrayList<Object>(renewed))).put("ttl_ms", ttlMs);
    if (extension) {
      o.put("extension", true).put("outage_remaining_ms", outageRemainingMs);
    }
    return o;
  }

  public static HeartbeatAck fromJson(JsonObject o) {
    List<Long> renewed = new ArrayList<>();
    for (Object t : Fields.array(o, "renewed")) {
      renewed.add(((Number) t).longValue());
    }
    boolean extension = Boolean.TRUE.equals(o.getValue("extension"));
    long remaining = extension ? Fields.longValue(o, "outage_remaining_ms") : -1;
    return new HeartbeatAck(renewed, Fields.longValue(o, "ttl_ms"), extension, remaining);
  }
}
