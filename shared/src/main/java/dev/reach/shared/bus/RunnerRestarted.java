package dev.reach.shared.bus;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner's new incarnation reports, before it claims anything, that it swept what its earlier
 * incarnations left behind: {@code killedGroups} process groups killed (their recorded start time
 * matched), {@code staleRecords} records whose process was already gone or whose pid had been
 * reused, and whether the previous run ended without a clean shutdown. The orchestrator then
 * expires every lease of this runner id held by another incarnation at once (reason
 * {@code runner_restarted}) instead of after the TTL.
 */
public record RunnerRestarted(
    String runnerId, String incarnation, List<Long> killedGroups, int staleRecords, boolean uncleanShutdown) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("runner_id", runnerId)
        .put("incarnation", incarnation)
        .put("killed_groups", new JsonArray(new ArrayList<Object>(killedGroups)))
        .put("stale_records", staleRecords)
        .put("unclean_shutdown", uncleanShutdown);
  }

  public static RunnerRestarted fromJson(JsonObject o) {
    List<Long> killed = new ArrayList<>();
    for (Object v : Fields.array(o, "killed_groups")) {
      if (!(v instanceof Number n)) {
        throw new dev.reach.shared.error.ReachException(
            dev.reach.shared.error.ErrorCode.MALFORMED_MESSAGE, "field 'killed_groups' must hold numbers", "killed_groups");
      }
      killed.add(n.longValue());
    }
    return new RunnerRestarted(
        Fields.string(o, "runner_id"),
        Fields.string(o, "incarnation"),
        killed,
        Fields.intValue(o, "stale_records"),
        Boolean.TRUE.equals(o.getValue("unclean_shutdown")));
  }
}
