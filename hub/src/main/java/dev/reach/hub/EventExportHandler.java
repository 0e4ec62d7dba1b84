package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code GET /admin/api/events[?since=SEQ][&run=RUN_ID]} (admin token): the event log as JSON lines
 * in chain order, each event with its seal, streamed by an {@link EventExport}. {@code since} leaves
 * out the events up to that seq; {@code run} keeps only that run's events.
 */
final class EventExportHandler implements Handler<RoutingContext> {
  private final OrchestratorClient orchestrator;

  EventExportHandler(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    long since = since(ctx);
    String run = QueryParams.single(ctx, "run");
    if (run != null && !RunIds.isRunId(run)) {
      throw QueryParams.invalid("run", "query parameter 'run' must be a run id (a UUID)");
    }
    new EventExport(ctx, orchestrator, since, run == null ? null : run.toLowerCase(Locale.ROOT)).start();
  }

  private static long since(RoutingContext ctx) {
    String v = QueryParams.single(ctx, "since");
    if (v == null) {
      return 0;
    }
    try {
      long l = Long.parseLong(v);
      if (l >= 0) {
        return l;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw QueryParams.invalid("since", "query parameter 'since' must be a seq: an integer, 0 or more");
  }
}
