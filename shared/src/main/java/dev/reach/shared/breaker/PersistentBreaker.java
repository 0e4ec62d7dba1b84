package dev.reach.shared.breaker;

/**
 * A breaker whose state outlives its process: {@link BreakerStateFile} saves its {@link #snapshot()}
 * after every change it announces and hands the saved one to {@link #restore} at the next start, so
 * a service restarting into a dependency that is still broken starts with that breaker open.
 */
public interface PersistentBreaker extends Breaker {
  /** What this breaker keeps across a restart. */
  BreakerSnapshot snapshot();

  /** Takes up a saved state; called once, at start, before the breaker's first call. */
  void restore(BreakerSnapshot saved);

  /** Called, on the breaker events thread, after every change of what {@link #snapshot()} holds. */
  void onStateSaved(Runnable saver);
}
