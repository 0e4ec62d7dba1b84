package dev.reach.runner;

import dev.reach.shared.node.ReachNode;
import io.vertx.core.Future;

/** The runner: claims jobs, runs each under a watcher process, heartbeats, ships logs. */
public final class RunnerService {
  public static Future<RunnerService> deploy(ReachNode node) {
    return Future.failedFuture(new UnsupportedOperationException("runner not written yet"));
  }

  public Future<Void> stop() {
    return Future.succeededFuture();
  }
}
