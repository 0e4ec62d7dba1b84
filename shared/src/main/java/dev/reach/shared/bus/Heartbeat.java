package dev.reach.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner's heartbeat: renews every lease in {@code heldTokens} in one statement and registers
 * the runner. Leases granted to this incarnation by claims numbered up to {@code settledClaimSeq}
 * that are not held were never received and are released at once.
 */
public record Heartbeat(
    String runnerId, String incarnation, int slots, List<String> labels, long settledClaimSeq, List<Long> heldTokens) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("runner_id", runnerId)
        .put("incarnation", incarnation)
        .put("slots", slots)
        .put("labels", new JsonArray(new ArrayList<Object>(labels)))
        .put("settled_claim_seq", settledClaimSeq)
        .put("held", new JsonArray(new ArrayList<Object>(heldTokens)));
  }

  public static Heartbeat fromJson(JsonObject o) {
    List<String> labels = new ArrayList<>();
    for (Object l : Fields.array(o, "labels")) {
      labels.add(String.valueOf(l));
    }
    List<Long> held = new ArrayList<>();
    for (Object t : Fields.array(o, "held")) {
      if (!(t instanceof Number n)) {
        throw new dev.reach.shared.error.ReachException(
            dev.reach.shared.error.ErrorCode.MALFORMED_MESSAGE, "field 'held' must hold numbers", "held");
      }
      held.add(n.longValue());
    }
    return new Heartbeat(
        Fields.string(o, "runner_id"),
        Fields.string(o, "incarnation"),
        Fields.intValue(o, "slots"),
        labels,
        Fields.longValue(o, "settled_claim_seq"),
        held);
  }
}
