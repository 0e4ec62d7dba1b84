package dev.reach.it;

import java.io.IOException;

/** Sends POSIX signals to processes this test started (SIGKILL, SIGSTOP, SIGCONT). */
final class ProcessSignals {
  private ProcessSignals() {}

  static void send(String signal, long pid) {
    try {
      Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
      p.waitFor();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
