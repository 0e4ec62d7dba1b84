package dev.reach.runner.state;

import dev.reach.shared.bus.Fields;
import io.vertx.core.json.JsonObject;

/**
 * What the runner records about a job's process group while it may be alive: the group id (the
 * job's pid, its group leader), the leader's start time in clock ticks ({@code /proc/PID/stat}
 * field 22 — so a later process with the same pid is never taken for it), and whose it is.
 */
public record GroupRecord(long pgid, long startTicks, String jobId, long token, String incarnation) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("pgid", pgid)
        .put("start_ticks", startTicks)
        .put("job_id", jobId)
        .put("token", token)
        .put("incarnation", incarnation);
  }

  public static GroupRecord fromJson(JsonObject o) {
    return new GroupRecord(
        Fields.longValue(o, "pgid"),
        Fields.longValue(o, "start_ticks"),
        Fields.string(o, "job_id"),
        Fields.longValue(o, "token"),
        Fields.string(o, "incarnation"));
  }
}
