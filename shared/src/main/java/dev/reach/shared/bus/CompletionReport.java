package dev.reach.shared.bus;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.job.EndReason;
import io.vertx.core.json.JsonObject;

/**
 * An attempt ended on the runner: with its exit code ({@code reason = exit_code}), by timeout,
 * or killed for another reason. Accepted only with the current token.
 */
public record CompletionReport(String jobId, long token, String runnerId, Integer exitCode, EndReason reason, JsonObject log) {
  /** The reasons a runner may report; the others (lease_expired, lost_too_often, ...) only the orchestrator decides. */
  public static final java.util.Set<EndReason> RUNNER_REASONS = java.util.EnumSet.of(
      EndReason.EXIT_CODE, EndReason.TIMEOUT, EndReason.CANCELLED, EndReason.INTERRUPTED,
      EndReason.SELF_FENCED, EndReason.SPAWN_FAILED, EndReason.SECRETS_UNAVAILABLE,
      EndReason.MEMORY_LIMIT_EXCEEDED, EndReason.ARTIFACT_TOO_LARGE, EndReason.TOO_MANY_ARTIFACTS);

  public JsonObject toJson() {
    return new JsonObject()
        .put("job_id", jobId)
        .put("token", token)
        .put("runner_id", runnerId)
        .put("exit_code", exitCode)
        .put("reason", reason.wire())
        .put("log", log);
  }

  public static CompletionReport fromJson(JsonObject o) {
    String reason = Fields.string(o, "reason");
    EndReason r;
    try {
      r = EndReason.fromWire(reason);
    } catch (IllegalArgumentException e) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "unknown reason '" + reason + "'", "reason");
    }
    if (!RUNNER_REASONS.contains(r)) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "reason '" + reason + "' is decided by the orchestrator, not reported", "reason");
    }
    Long exit = Fields.optLong(o, "exit_code");
    if (r == EndReason.EXIT_CODE && exit == null) {
      throw new ReachException(ErrorCode.MALFORMED_MESSAGE, "reason exit_code needs an exit_code", "exit_code");
    }
    Object log = o.getValue("log");
    return new CompletionReport(
        Fields.string(o, "job_id"),
        Fields.longValue(o, "token"),
        Fields.string(o, "runner_id"),
        exit == null ? null : exit.intValue(),
        r,
        log instanceof JsonObject j ? j : null);
  }
}
