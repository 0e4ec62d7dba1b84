package dev.reach.shared.alert;

import io.vertx.core.Future;
import java.util.logging.Logger;

/** Writes each alert as one {@code ALERT} line at its level's log level (CRITICAL is SEVERE). */
public final class LogChannel implements AlertChannel {
  private static final Logger LOG = Logger.getLogger(LogChannel.class.getName());

  @Override
  public String name() {
    return "log";
  }

  @Override
  public Future<Void> send(Alert a) {
    LOG.log(a.level().logLevel(), "ALERT " + a.level() + " " + a.alert() + " (" + a.service() + " on " + a.node() + "): "
        + a.message() + " [" + a.count() + " consecutive failure(s) since " + a.firstFailureAt() + "]");
    return Future.succeededFuture();
  }

  /** The end of an episode whose alert was sent: an INFO line, log only. */
  static void resolved(String key, String service, String node, int failures) {
    LOG.info("ALERT RESOLVED " + key + " (" + service + " on " + node + ") after " + failures + " consecutive failure(s)");
  }
}
