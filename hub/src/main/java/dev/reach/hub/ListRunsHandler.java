package dev.reach.hub;

import dev.reach.shared.job.RunState;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.stream.Collectors;

/** {@code GET /api/v1/runs?state=S&limit=N}: the orchestrator's list, passed through. */
final class ListRunsHandler implements Handler<RoutingContext> {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  private static final String STATES =
      Arrays.stream(RunState.values()).map(Enum::name).collect(Collectors.joining(", "));

  private final OrchestratorClient orchestrator;

  ListRunsHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String state = state(QueryParams.single(ctx, "state"));
    Integer limit = QueryParams.optionalInt(ctx, "limit", 1, MAX_LIMIT);
    orchestrator.listRuns(state, limit == null ? DEFAULT_LIMIT : limit)
        .onSuccess(list -> JsonResponses.send(ctx, 200, list))
        .onFailure(ctx::fail);
  }

  private static String state(String value) {
    if (value == null) {
      return null;
    }
    for (RunState s : RunState.values()) {
      if (s.name().equals(value)) {
        return value;
      }
    }
    throw QueryParams.invalid("state", "query parameter 'state' must be one of " + STATES);
  }
}
