package dev.reach.shared.alert;

import io.vertx.core.Future;

/** Where alerts go ({@code log}, {@code webhook}). {@link #send} never blocks the caller. */
public interface AlertChannel {
  String name();

  /** Delivers one alert; the future fails only when the channel gave up on it. */
  Future<Void> send(Alert alert);
}
