package dev.reach.runner;

import dev.reach.runner.exec.OrchestratorClient;
import dev.reach.runner.retry.RetryPolicy;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ReachException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.logging.Logger;

/**
 * Tells the orchestrator that this new incarnation swept what its predecessors left, so it
 * expires their leases at once instead of after the TTL. Tried a bounded number of times with
 * backoff; without an answer the runner goes on (the old leases then expire by TTL).
 */
final class RestartAnnouncement {
  private static final Logger LOG = Logger.getLogger(RestartAnnouncement.class.getName());

  private RestartAnnouncement() {}

  /** Resolves to the number of older leases the orchestrator expired, or -1 if it never answered. Never fails. */
  static Future<Integer> send(Vertx vertx, OrchestratorClient orchestrator, RunnerRestarted report, RetryPolicy retry) {
    Promise<Integer> done = Promise.promise();
    attempt(vertx, orchestrator, report, retry, 1, done);
    return done.future();
  }

  private static void attempt(Vertx vertx, OrchestratorClient orchestrator, RunnerRestarted report, RetryPolicy retry, int tryNo,
      Promise<Integer> done) {
    orchestrator.runnerRestarted(report).onComplete(ar -> {
      if (ar.succeeded()) {
        done.tryComplete(ar.result());
        return;
      }
      ReachException e = BusErrors.classify(ar.cause());
      if (e.retryable() && retry.mayRetry(tryNo)) {
        vertx.setTimer(Math.max(1, retry.backoff().delay(tryNo)), t -> attempt(vertx, orchestrator, report, retry, tryNo + 1, done));
        return;
      }
      LOG.warning("the orchestrator did not take the restart report of incarnation " + report.incarnation() + " after " + tryNo
          + " tr" + (tryNo == 1 ? "y" : "ies") + " (" + e.code() + ": " + e.getMessage()
          + "); going on: leases of earlier incarnations expire by TTL");
      done.tryComplete(-1);
    });
  }
}
