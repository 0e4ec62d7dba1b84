package dev.reach.runner.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in runner JVM for {@link WatcherSurvivesRunnerDeathTest}: starts {@code sleep 60} under
 * its watcher with a lease and timeout far away, prints {@code watcher PID} and {@code job PID},
 * then waits to be killed. Usage: {@code DoomedRunner STATE_DIR}.
 */
public final class DoomedRunner {
  private DoomedRunner() {}

  public static void main(String[] args) throws Exception {
    Path state = Path.of(args[0]);
    Path workspace = Files.createDirectories(state.resolve("ws"));
    Path watcher = WatcherScript.install(state);
    ExecutorService readers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "doomed-io");
      t.setDaemon(true);
      return t;
    });
    CountDownLatch ended = new CountDownLatch(1);
    long now = new UptimeClock().nowCentis();
    long tenMinutes = 60_000;
    JobProcess job = JobProcess.start(watcher, workspace, Map.of("PATH", "/usr/local/bin:/usr/bin:/bin"), "sleep 60",
        now + tenMinutes, now + tenMinutes, readers, new JobProcess.Listener() {
          @Override
          public void onStarted(long pid) {
            System.out.println("job " + pid);
            System.out.flush();
          }

          @Override
          public void onOutput(byte[] bytes, int length) {}

          @Override
          public void onOutputClosed() {}

          @Override
          public void onEnded(ProcessEnd end) {
            System.out.println("ended " + end);
            System.out.flush();
            ended.countDown();
          }
        });
    System.out.println("watcher " + job.pid());
    System.out.flush();
    // bounded, in case the test that started us dies without killing us
    if (!ended.await(120, TimeUnit.SECONDS)) {
      job.kill();
    }
  }
}
