package dev.reach.cli;

/** Tells a long-running command ({@code dev}, {@code service}) to stop. */
public interface StopSignal {
  /** Blocks until a stop is requested. */
  void await() throws InterruptedException;

  /** Why the stop was requested (for the log), e.g. {@code SIGTERM}. */
  String reason();

  /** The command has stopped everything it started; called once, last. */
  void finished();
}
