package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code reachctl submit --follow}: polls the run (every {@value #POLL_MS} ms) and shows its progress —
 * jobs done of total, how many run, wait and failed — until it has finished; the first job that fails
 * (ended {@code FAILED} or {@code QUARANTINED}, or has a failed attempt and is being retried) gets its log
 * followed live ({@code GET .../log?attempt=N&follow=true}, each attempt in turn), printed as
 * {@code JOB | line}. Then the run's final state: the status table, or with {@code --json} the run's JSON.
 *
 * <p>On a terminal the progress is one line redrawn in place ({@code \r} and erase-line); anywhere else
 * (a pipe, a file, CI) a plain line is printed whenever the counts change, with no control codes. With
 * {@code --json} everything for people goes to stderr as plain lines and stdout gets only the final JSON.
 */
final class RunFollower {
  static final long POLL_MS = 500;
  /** How long the log tail may take to drain after the run has finished. */
  static final long TAIL_DRAIN_MS = 15_000;
  static final Set<String> JOB_DONE = Set.of("SUCCEEDED", "FAILED", "CANCELLED", "QUARANTINED");
  static final Set<String> JOB_FAILED = Set.of("FAILED", "QUARANTINED");
  static final Set<String> JOB_ACTIVE = Set.of("LEASED", "RUNNING");

  private final Cli cli;
  private final ApiClient client;
  private final boolean json;
  private final Progress progress;
  private final long startedAt = System.nanoTime();
  private volatile JsonObject latest;
  private volatile boolean stopTail;
  private Thread tail;

  RunFollower(Cli cli, ApiClient client, boolean json, boolean tty) {
    this.cli = cli;
    this.client = client;
    this.json = json;
    this.progress = new Progress(json ? cli.err() : cli.out(), tty && !json);
  }

  /** Whether stdout is a terminal that may be redrawn: the process's own stdout, a console, not TERM=dumb. */
  static boolean isTerminal(Cli cli) {
    return cli.out() == System.out && System.console() != null && !"dumb".equals(cli.env().get("TERM"));
  }

  /** Follows run {@code runId} until it has finished; 0 when it SUCCEEDED, 1 when FAILED or CANCELLED. */
  int follow(String runId) throws InterruptedException {
    JsonObject run;
    try {
      run = await("/api/v1/runs/" + ApiClient.segment(runId));
    } finally {
      progress.end(); // whatever ends the wait (an unreachable hub too) then starts on a line of its own
    }
    if (json) {
      JsonOption.print(cli.out(), run);
    } else {
      cli.out().print(StatusCommand.render(run));
      cli.out().flush();
    }
    return "SUCCEEDED".equals(run.getString("state")) ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /** Polls until the run has finished and the failing job's log has drained; the run's last answer. */
  private JsonObject await(String path) throws InterruptedException {
    boolean warned = false;
    while (true) {
      try {
        JsonObject run = client.getJson(path).body();
        latest = run;
        progress.status(line(run), key(run));
        startTailIfFailing(run);
        if (StatusCommand.FINISHED.contains(run.getString("state", ""))) {
          if (tail != null) {
            tail.join(TAIL_DRAIN_MS);
            stopTail = true;
          }
          return run;
        }
      } catch (ApiClient.ApiException e) {
        if (!e.retryable()) {
          throw e;
        }
        if (!warned) {
          progress.note(e.getMessage() + " (retrying)");
          warned = true;
        }
      }
      TimeUnit.MILLISECONDS.sleep(POLL_MS);
    }
  }

  /** {@code [3.4s] run RUNNING: 1/3 jobs done, 1 running, 1 queued, 1 failed}. */
  String line(JsonObject run) {
    double seconds = (System.nanoTime() - startedAt) / 1e9;
    return String.format(Locale.ROOT, "[%.1fs] run %s: %s", seconds, run.getString("state", "?"), key(run));
  }

  /** The counts: {@code 1/3 jobs done, 1 running, 1 queued, 1 failed} (and cancelled when there are any). */
  static String key(JsonObject run) {
    JsonArray jobs = run.getJsonArray("jobs", new JsonArray());
    int done = 0;
    int active = 0;
    int queued = 0;
    int failed = 0;
    int cancelled = 0;
    for (int i = 0; i < jobs.size(); i++) {
      String s = jobs.getJsonObject(i).getString("state", "");
      if (JOB_DONE.contains(s)) {
        done++;
      }
      if (JOB_ACTIVE.contains(s)) {
        active++;
      } else if ("QUEUED".equals(s)) {
        queued++;
      } else if (JOB_FAILED.contains(s)) {
        failed++;
      } else if ("CANCELLED".equals(s)) {
        cancelled++;
      }
    }
    return done + "/" + jobs.size() + " jobs done, " + active + " running, " + queued + " queued, " + failed + " failed"
        + (cancelled > 0 ? ", " + cancelled + " cancelled" : "");
  }

  /** The first job that failed, or has a failed attempt while it is retried; null when none. */
  static String failingJob(JsonObject run) {
    JsonArray jobs = run.getJsonArray("jobs", new JsonArray());
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject j = jobs.getJsonObject(i);
      if (JOB_FAILED.contains(j.getString("state", ""))) {
        return j.getString("name");
      }
      JsonArray attempts = j.getJsonArray("attempts", new JsonArray());
      for (int a = 0; a < attempts.size(); a++) {
        if ("FAILED".equals(attempts.getJsonObject(a).getString("state"))) {
          return j.getString("name");
        }
      }
    }
    return null;
  }

  private void startTailIfFailing(JsonObject run) {
    if (tail != null) {
      return;
    }
    String job = failingJob(run);
    if (job == null) {
      return;
    }
    String runId = run.getString("id");
    tail = new Thread(() -> tail(runId, job), "reachctl-log-tail");
    tail.setDaemon(true);
    tail.start();
  }

  private static JsonObject job(JsonObject run, String name) {
    JsonArray jobs = run.getJsonArray("jobs", new JsonArray());
    for (int i = 0; i < jobs.size(); i++) {
      if (name.equals(jobs.getJsonObject(i).getString("name"))) {
        return jobs.getJsonObject(i);
      }
    }
    return new JsonObject();
  }

  /** The number of the job's first failed attempt (1 when none is listed). */
  static int firstFailedAttempt(JsonObject job) {
    JsonArray attempts = job.getJsonArray("attempts", new JsonArray());
    for (int a = 0; a < attempts.size(); a++) {
      JsonObject at = attempts.getJsonObject(a);
      if ("FAILED".equals(at.getString("state"))) {
        return at.getInteger("number", 1);
      }
    }
    return 1;
  }

  /**
   * Follows the failing job's log from its first failed attempt on, attempt after attempt (a retried
   * job's next attempt is followed live), until the job has ended and its last attempt's log is read.
   */
  private void tail(String runId, String job) {
    int followed = firstFailedAttempt(job(latest, job)) - 1;
    String base = "/api/v1/runs/" + ApiClient.segment(runId) + "/jobs/" + ApiClient.segment(job) + "/log";
    try {
      while (!stopTail) {
        JsonObject j = job(latest, job);
        int attempt = j.getInteger("attempt", 0);
        if (attempt <= followed) {
          if (JOB_DONE.contains(j.getString("state", "")) || StatusCommand.FINISHED.contains(latest.getString("state", ""))) {
            return;
          }
          TimeUnit.MILLISECONDS.sleep(POLL_MS);
          continue;
        }
        followed++;
        progress.note("log of failing job " + job + ", attempt " + followed + ":");
        try (InputStream in = client.stream(base + "?attempt=" + followed + "&follow=true");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String l;
          while ((l = r.readLine()) != null) {
            progress.log(job, l);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!stopTail) {
        progress.note("(the log of " + job + " could not be followed: " + Futures.describe(e) + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Prints progress and log lines without tearing: one line redrawn on a terminal, plain lines elsewhere. */
  static final class Progress {
    private static final String ERASE = "\r\033[2K";
    private final PrintStream out;
    private final boolean redraw;
    private String current;
    private String lastKey;

    Progress(PrintStream out, boolean redraw) {
      this.out = out;
      this.redraw = redraw;
    }

    /** The progress line; off a terminal printed only when {@code key} (the counts) changed. */
    synchronized void status(String line, String key) {
      if (redraw) {
        current = line;
        out.print(ERASE + line);
      } else if (!key.equals(lastKey)) {
        out.println(line);
      }
      lastKey = key;
      out.flush();
    }

    synchronized void log(String job, String line) {
      above("  " + job + " | " + line);
    }

    synchronized void note(String text) {
      above(text);
    }

    private void above(String text) {
      if (redraw) {
        out.print(ERASE);
        out.println(text);
        if (current != null) {
          out.print(current);
        }
      } else {
        out.println(text);
      }
      out.flush();
    }

    /** Ends the redrawn line, so what follows starts on its own line. */
    synchronized void end() {
      if (redraw && current != null) {
        out.println();
        out.flush();
      }
    }
  }
}
