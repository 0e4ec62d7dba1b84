package dev.reach.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Runs {@code reachctl} in-process with an injected environment, stdin and stop signal. */
final class CliHarness {
  final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private Map<String, String> env = Map.of();
  private byte[] stdin = new byte[0];
  private Supplier<StopSignal> stopSignals = () -> {
    throw new AssertionError("this command should not have started anything long-running");
  };

  CliHarness env(Map<String, String> env) {
    this.env = env;
    return this;
  }

  CliHarness stdin(String text) {
    this.stdin = text.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  CliHarness stopSignal(StopSignal signal) {
    this.stopSignals = () -> signal;
    return this;
  }

  Cli cli() {
    return new Cli(env, new ByteArrayInputStream(stdin), out, err, stopSignals);
  }

  int run(String... args) {
    return ReachCtl.execute(args, cli());
  }

  String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  /** A stop signal the test fires by hand. */
  static final class ManualStop implements StopSignal {
    final CountDownLatch requested = new CountDownLatch(1);
    final CountDownLatch finished = new CountDownLatch(1);

    void fire() {
      requested.countDown();
    }

    boolean awaitFinished(long seconds) throws InterruptedException {
      return finished.await(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void await() throws InterruptedException {
      requested.await();
    }

    @Override
    public String reason() {
      return "test stop";
    }

    @Override
    public void finished() {
      finished.countDown();
    }
  }
}
