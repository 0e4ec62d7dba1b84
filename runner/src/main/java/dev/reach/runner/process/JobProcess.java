package dev.reach.runner.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One job running under its watcher ({@code watcher.sh}): the watcher starts {@code sh -c command}
 * in its own session with exactly the given environment, streams its merged output to us, and
 * kills its process group at the lease deadline, at the timeout, on our word, or when we vanish.
 * Two pool threads read the output and the watcher's status lines; callbacks arrive on them.
 */
public final class JobProcess {
  private static final Logger LOG = Logger.getLogger(JobProcess.class.getName());

  /** Callbacks from the reader threads. */
  public interface Listener {
    void onStarted(long pid);

    void onOutput(byte[] bytes, int length);

    void onOutputClosed();

    /** Before {@link #onEnded}: the job exited and its process group was found empty, so it needs no further check. */
    default void onGroupEmpty() {}

    void onEnded(ProcessEnd end);
  }

  private final Process process;
  private final OutputStream control;
  private volatile boolean controlClosed;

  private JobProcess(Process process) {
    this.process = process;
    this.control = process.getOutputStream();
  }

  /** Starts the watcher. Blocking (process spawn): call it off the event loop. */
  public static JobProcess start(
      Path watcher, Path workspace, Map<String, String> env, String command,
      long leaseDeadlineCentis, long timeoutDeadlineCentis, ExecutorService readers, Listener listener)
      throws IOException {
    return start(watcher, workspace, env, command, leaseDeadlineCentis, timeoutDeadlineCentis, JobIsolation.NONE, readers,
        listener);
  }

  /** Starts the watcher, the job in {@code isolation}'s cgroup and as its user. Blocking: call it off the event loop. */
  public static JobProcess start(
      Path watcher, Path workspace, Map<String, String> env, String command,
      long leaseDeadlineCentis, long timeoutDeadlineCentis, JobIsolation isolation, ExecutorService readers,
      Listener listener) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(List.of(
        "/bin/bash", watcher.toString(), Long.toString(leaseDeadlineCentis), Long.toString(timeoutDeadlineCentis), command,
        isolation.cgroupArg(), isolation.runAsArg()));
    pb.directory(workspace.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    JobProcess job = new JobProcess(pb.start());
    readers.execute(() -> job.pumpOutput(listener));
    readers.execute(() -> job.pumpStatus(listener));
    return job;
  }

  /** Hands the watcher a new lease deadline (only ever later). Blocking pipe write of a few bytes. */
  public void extendLease(long deadlineCentis) {
    send("d " + deadlineCentis);
  }

  /** Asks the watcher to kill the job now (cancelled). */
  public void kill() {
    send("k");
  }

  /** Asks the watcher to kill the job now because the runner is draining (reason {@code interrupted}). */
  public void interrupt() {
    send("i");
  }

  /** Asks the watcher to kill the job now because it is over its memory limit (reason {@code memory_limit_exceeded}). */
  public void killOverMemory() {
    send("m");
  }

  /** Output ended: ask the watcher to look at the job now instead of at its next poll. */
  public void nudge() {
    send("c");
  }

  public long pid() {
    return process.pid();
  }

  private synchronized void send(String line) {
    if (controlClosed) {
      return;
    }
    try {
      control.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
      control.flush();
    } catch (IOException e) {
      // the watcher is gone; its status reader reports the end
      controlClosed = true;
    }
  }

  private void pumpOutput(Listener listener) {
    byte[] buf = new byte[16 * 1024];
    try (InputStream out = process.getInputStream()) {
      int n;
      while ((n = out.read(buf)) > 0) {
        listener.onOutput(buf, n);
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "job output closed", e);
    }
    nudge();
    listener.onOutputClosed();
  }

  private void pumpStatus(Listener listener) {
    String killed = null;
    int exit = -1;
    try (InputStream err = process.getErrorStream()) {
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = err.read()) >= 0) {
        if (c != '\n') {
          line.append((char) c);
          continue;
        }
        String s = line.toString();
        line.setLength(0);
        if (s.startsWith("started ")) {
          listener.onStarted(Long.parseLong(s.substring(8).trim()));
        } else if (s.startsWith("killed ")) {
          killed = s.substring(7).trim();
        } else if (s.equals("group empty")) {
          listener.onGroupEmpty();
        } else if (s.startsWith("exit ")) {
          exit = Integer.parseInt(s.substring(5).trim());
        } else if (!s.isBlank()) {
          LOG.warning("watcher: " + s);
        }
      }
      int watcherExit = process.waitFor();
      if (exit < 0) {
        // the watcher died without a verdict (killed itself): the job's fate is unknown, treat as killed
        killed = killed == null ? "runner_gone" : killed;
        exit = watcherExit;
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "watcher status unreadable", e);
      killed = killed == null ? "runner_gone" : killed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killed = "runner_gone";
    }
    synchronized (this) {
      controlClosed = true;
      try {
        control.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
    listener.onEnded(new ProcessEnd(exit, killed));
  }

  /** Kills the watcher itself (which then kills the job's group). Used when the runner stops hard. */
  public void destroy() {
    process.destroy();
  }
}
