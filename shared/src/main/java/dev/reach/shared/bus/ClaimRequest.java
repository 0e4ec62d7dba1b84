package dev.reach.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner asks for up to {@code slots} jobs matching its labels. {@code claimSeq} numbers the
 * runner's claims within its incarnation; {@code requestId() = incarnation:claimSeq} makes a
 * retried claim return the same leases.
 */
public record ClaimRequest(String runnerId, String incarnation, long claimSeq, int slots, List<String> labels) {
  public String requestId() {
    return incarnation + ":" + claimSeq;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("runner_id", runnerId)
        .put("incarnation", incarnation)
        .put("claim_seq", claimSeq)
        .put("slots", slots)
        .put("labels", new JsonArray(new ArrayList<Object>(labels)));
  }

  public static ClaimRequest fromJson(JsonObject o) {
    List<String> labels = new ArrayList<>();
    for (Object l : Fields.array(o, "labels")) {
      labels.add(String.valueOf(l));
    }
    return new ClaimRequest(
        Fields.string(o, "runner_id"),
        Fields.string(o, "incarnation"),
        Fields.longValue(o, "claim_seq"),
        Fields.intValue(o, "slots"),
        labels);
  }
}
