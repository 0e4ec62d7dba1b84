package dev.reach.it.drill;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Sends POSIX signals to processes a drill started. */
final class Signals {
  private Signals() {}

  static void send(String signal, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      p.waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
