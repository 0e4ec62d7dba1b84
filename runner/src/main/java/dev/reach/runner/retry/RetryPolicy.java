package dev.reach.runner.retry;

/** How often to try something that may fail for a while ({@code tries} in all, the first included), and how long to wait between tries. */
public record RetryPolicy(int tries, Backoff backoff) {
  public RetryPolicy {
    if (tries < 1) {
      throw new IllegalArgumentException("tries must be at least 1, not " + tries);
    }
  }

  /** Whether another try may follow the {@code failures}-th failure. */
  public boolean mayRetry(int failures) {
    return failures < tries;
  }
}
