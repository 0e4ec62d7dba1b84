package dev.reach.runner.process;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** Records what a {@link JobProcess} reports, as futures the tests wait on with a bound. */
final class RecordingListener implements JobProcess.Listener {
  final CompletableFuture<Long> started = new CompletableFuture<>();
  final CompletableFuture<Void> outputClosed = new CompletableFuture<>();
  final CompletableFuture<ProcessEnd> ended = new CompletableFuture<>();
  volatile boolean groupEmpty;
  private final ByteArrayOutputStream output = new ByteArrayOutputStream();

  @Override
  public void onStarted(long pid) {
    started.complete(pid);
  }

  @Override
  public void onOutput(byte[] bytes, int length) {
    synchronized (output) {
      output.write(bytes, 0, length);
    }
  }

  @Override
  public void onOutputClosed() {
    outputClosed.complete(null);
  }

  @Override
  public void onGroupEmpty() {
    groupEmpty = true;
  }

  @Override
  public void onEnded(ProcessEnd end) {
    ended.complete(end);
  }

  String output() {
    synchronized (output) {
      return output.toString(StandardCharsets.UTF_8);
    }
  }
}
