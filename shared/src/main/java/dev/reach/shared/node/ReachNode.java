package dev.reach.shared.node;

import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.health.HealthRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;

/** What every service of one JVM shares: the clustered Vert.x, the configuration, a clock and the health registry. */
public record ReachNode(Vertx vertx, ReachConfig config, Clock clock, HealthRegistry health) {
  public static ReachNode of(Vertx vertx, ReachConfig config) {
    Clock clock = Clock.systemUTC();
    return new ReachNode(vertx, config, clock, new HealthRegistry(vertx, config, clock));
  }

  /** The JVM's self-healing watchdog (it lives with the health registry). */
  public dev.reach.shared.heal.Watchdog watchdog() {
    return health.watchdog();
  }
}
