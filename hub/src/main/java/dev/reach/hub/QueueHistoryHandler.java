package dev.reach.hub;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /admin/api/queue-history} (admin token): the hub's {@link QueueHistory} of the last hour. */
final class QueueHistoryHandler implements Handler<RoutingContext> {
  private final QueueHistory history;

  QueueHistoryHandler(QueueHistory history) {
    this.history = history;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonResponses.send(ctx, 200, history.toJson());
  }
}
