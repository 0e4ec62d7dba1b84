package dev.reach.shared.heal;

import io.vertx.core.Future;

/** A component the watchdog looks after: it can be probed and restarted. */
public interface Supervised {
  /** Unique within the JVM, e.g. {@code hub.http} or {@code orchestrator.leader}. */
  String name();

  /** Looks at the component; never fails (a failure to look is a {@code FAILED} probe). */
  Future<Probe> probe();

  /** Restarts the component gracefully; resolves once the new instance serves. */
  Future<Void> restart(String reason);
}
