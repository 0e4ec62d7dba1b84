package dev.reach.hub;

import dev.reach.shared.http.InFlightRequests;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The in-flight request counters of each HTTP deployment's instances, so that a stop closes no
 * instance's server while another instance of the same deployment still answers a request. The
 * instances share the port and the acceptor hands each new connection to any of them: an instance
 * that shut down as soon as its own requests were done closed the connections handed to it next,
 * unanswered, while the hub was still draining and promised to serve reads. Deployments are kept
 * apart: a restart's old deployment waits only for its own requests, never for the new one's.
 */
final class DeploymentDrains {
  /** How often a stopping instance looks whether the others are done. */
  private static final long POLL_MS = 20;

  private final Map<String, List<InFlightRequests>> byDeployment = new ConcurrentHashMap<>();

  /** An instance of {@code deploymentId} counts its requests with {@code requests}. */
  void join(String deploymentId, InFlightRequests requests) {
    byDeployment.computeIfAbsent(deploymentId, id -> new CopyOnWriteArrayList<>()).add(requests);
  }

  /**
   * Completes when no instance of {@code deploymentId} has a request in flight, or after
   * {@code timeoutMs}; polled on the caller's context, every {@value #POLL_MS} ms.
   */
  Future<Void> idle(Vertx vertx, String deploymentId, long timeoutMs) {
    List<InFlightRequests> instances = byDeployment.getOrDefault(deploymentId, List.of());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    Promise<Void> done = Promise.promise();
    poll(vertx, instances, deadline, done);
    return done.future().onComplete(x -> byDeployment.remove(deploymentId, instances));
  }

  private static void poll(Vertx vertx, List<InFlightRequests> instances, long deadline, Promise<Void> done) {
    if (instances.stream().allMatch(r -> r.active() == 0) || System.nanoTime() >= deadline) {
      done.complete();
    } else {
      vertx.setTimer(POLL_MS, id -> poll(vertx, instances, deadline, done));
    }
  }
}
