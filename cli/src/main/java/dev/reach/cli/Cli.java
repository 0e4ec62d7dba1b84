package dev.reach.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a command may touch of its process: the environment (injectable, so tests run commands
 * in-process with their own {@code REACH_*} values), stdin, stdout, stderr and how the long-running
 * commands learn that they should stop.
 */
public record Cli(
    Map<String, String> env, InputStream in, PrintStream out, PrintStream err, Supplier<StopSignal> stopSignals) {
  public Cli {
    env = Map.copyOf(env);
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(err, "err");
    Objects.requireNonNull(stopSignals, "stopSignals");
  }

  /** The real process: its environment, stdout, stderr, SIGTERM and SIGINT. */
  public static Cli process() {
    return new Cli(System.getenv(), System.in, System.out, System.err, ProcessStopSignal::install);
  }
}
