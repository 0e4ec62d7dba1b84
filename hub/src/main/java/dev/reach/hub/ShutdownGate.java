package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.health.Lifecycle;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.PlatformHandler;

/**
 * In front of every route that starts new work (submissions, cancels, requeues): while the hub
 * drains it answers {@code 503 SHUTTING_DOWN} with {@code Retry-After}, before the body is read or
 * anyone is asked. Reads go on being served until the server closes. A platform handler, so that
 * Vert.x Web lets it run ahead of the body handler.
 */
final class ShutdownGate implements PlatformHandler {
  private final Lifecycle lifecycle;

  ShutdownGate(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (lifecycle.isDraining()) {
      ctx.fail(shuttingDown());
    } else {
      ctx.next();
    }
  }

  static ReachException shuttingDown() {
    return new ReachException(ErrorCode.SHUTTING_DOWN, "the hub is shutting down; retry on another hub or later");
  }
}
