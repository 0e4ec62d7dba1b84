package dev.reach.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The leases granted for a claim, and the TTL each was granted with (database clock). */
public record ClaimResponse(List<Lease> leases, long ttlMs) {
  public JsonObject toJson() {
    JsonArray arr = new JsonArray();
    leases.forEach(l -> arr.add(l.toJson()));
    return new JsonObject().put("leases", arr).put("ttl_ms", ttlMs);
  }

  public static ClaimResponse fromJson(JsonObject o) {
    List<Lease> leases = new ArrayList<>();
    for (Object l : Fields.array(o, "leases")) {
      leases.add(Lease.fromJson((JsonObject) l));
    }
    return new ClaimResponse(leases, Fields.longValue(o, "ttl_ms"));
  }
}
