package dev.reach.shared.heal;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One restart attempt of a component: when, by whom ({@code watchdog} or an operator), why, whether
 * it overrode a blocked policy (and was acknowledged), how it ended and the policy state after it.
 */
public record RestartRecord(Instant at, String component, String trigger, String by, String reason,
    boolean override, String outcome, String detail, String policyAfter) {

  public JsonObject toJson() {
    return new JsonObject()
        .put("at", at.toString())
        .put("component", component)
        .put("trigger", trigger)
        .put("by", by)
        .put("reason", reason)
        .put("override", override)
        .put("outcome", outcome)
        .put("detail", detail)
        .put("policy_after", policyAfter);
  }
}
