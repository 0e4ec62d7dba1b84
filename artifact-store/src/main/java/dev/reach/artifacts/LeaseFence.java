package dev.reach.artifacts;

import io.vertx.core.Future;

/**
 * The check every write of the store passes before it writes anything: the writer's attempt must
 * be the job's current lease (latest attempt, same token, LEASED or RUNNING). Asked of the
 * database every time — no cache: when the database cannot be asked the write fails with the
 * database's error (503, retryable), never on a guess. Reads are never fenced.
 *
 * <p>Seals and artifact rows are also fenced inside their own statements, so a lease that moves on
 * between this check and the metadata write still leaves no seal or artifact row for the old
 * attempt. Logs and artifacts are keyed by attempt, so a late write of an old attempt could at
 * worst touch that attempt's own bytes, never the new attempt's.
 */
final class LeaseFence {
  private final ArtifactRepository repo;

  LeaseFence(ArtifactRepository repo) {
    this.repo = repo;
  }

  /** Succeeds when {@code token} holds the current lease of attempt {@code key}; else {@code STALE_LEASE}. */
  Future<Void> check(LogKey key, long token) {
    return repo.findLease(key, token).compose(lease -> {
      if (lease == null) {
        return Future.failedFuture(StaleLease.of(key, token, "no such job"));
      }
      if (!lease.current()) {
        return Future.failedFuture(StaleLease.of(key, token, why(key, lease)));
      }
      return Future.succeededFuture();
    });
  }

  private static String why(LogKey key, LeaseView lease) {
    boolean leased = lease.state().equals("LEASED") || lease.state().equals("RUNNING");
    if (lease.attempt() != key.attempt()) {
      return "the job is " + lease.state() + " at attempt " + lease.attempt();
    }
    return leased ? "the token is not this attempt's" : "the job is " + lease.state();
  }
}
