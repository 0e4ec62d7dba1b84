package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code reachctl status RUN_ID}: the run and its jobs; {@code --wait} polls until it has finished. */
@Command(
    name = "status",
    description = "Show a run: its state, then each job with its state, exit code, reason and attempts.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:shown (with --wait: the run SUCCEEDED)",
      "1:API error (with --wait: the run did not succeed, or --timeout passed)",
      "2:bad usage",
      "3:the Reach hub cannot be reached"},
    mixinStandardHelpOptions = true)
public final class StatusCommand implements Callable<Integer> {
  static final Set<String> FINISHED = Set.of("SUCCEEDED", "FAILED", "CANCELLED");
  static final long FIRST_POLL_MS = 200;
  static final long MAX_POLL_MS = 2_000;

  private final Cli cli;

  @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id.")
  String runId;

  @Mixin JsonOption output;

  @Option(names = "--wait", description = "Poll (200 ms, backing off to 2 s) until the run has finished; exit 0 only if it SUCCEEDED.")
  boolean waitForEnd;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
      description = "With --wait: give up after this long (exit 1); 0 waits as long as it takes (default).")
  long timeoutSeconds;

  @Mixin ApiOptions api;

  /** How to sleep between polls (tests replace it). */
  Sleeper sleeper = Thread::sleep;

  interface Sleeper {
    void sleep(long ms) throws InterruptedException;
  }

  public StatusCommand(Cli cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() throws InterruptedException {
    ApiClient client = api.client(cli);
    String path = "/api/v1/runs/" + ApiClient.segment(runId);
    if (!waitForEnd) {
      print(client.getJson(path).body());
      return ExitCodes.OK;
    }
    long deadline = timeoutSeconds > 0 ? System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos() : Long.MAX_VALUE;
    long delay = FIRST_POLL_MS;
    boolean warned = false;
    JsonObject run = null;
    while (true) {
      try {
        run = client.getJson(path).body();
        String state = run.getString("state", "");
        if (FINISHED.contains(state)) {
          print(run);
          return "SUCCEEDED".equals(state) ? ExitCodes.OK : ExitCodes.FAILED;
        }
      } catch (ApiClient.ApiException e) {
        if (!e.retryable()) {
          throw e;
        }
        if (!warned) {
          cli.err().println(e.getMessage() + " (retrying)");
          warned = true;
        }
      }
      if (System.nanoTime() - deadline >= 0) {
        if (run != null) {
          print(run);
        }
        throw new CliException(ExitCodes.FAILED, "timed out after " + timeoutSeconds + " s waiting for run " + runId
            + (run == null ? "" : " (still " + run.getString("state") + ")"));
      }
      sleeper.sleep(delay);
      delay = Math.min(MAX_POLL_MS, delay * 2);
    }
  }

  private void print(JsonObject run) {
    cli.out().print(output.on() ? run.encodePrettily() + System.lineSeparator() : render(run));
    cli.out().flush();
  }

  /** The compact table: the run's line, then one row per job and one more per extra attempt. */
  static String render(JsonObject run) {
    StringBuilder sb = new StringBuilder();
    sb.append("run ").append(run.getString("id", "?"));
    String name = run.getString("name");
    if (name != null) {
      sb.append(" (").append(name).append(')');
    }
    sb.append(": ").append(run.getString("state", "?"));
    if (run.getString("cancel_requested_at") != null) {
      sb.append(", cancel requested");
    }
    sb.append(System.lineSeparator());
    JsonArray jobs = run.getJsonArray("jobs", new JsonArray());
    if (jobs.isEmpty()) {
      return sb.toString();
    }
    TextTable t = new TextTable("JOB", "STATE", "EXIT", "REASON", "ATTEMPTS");
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject job = jobs.getJsonObject(i);
      JsonArray attempts = job.getJsonArray("attempts", new JsonArray());
      String first = attempts.isEmpty() ? null : attempt(attempts.getJsonObject(0));
      t.row(job.getString("name"), job.getString("state"), job.getValue("exit_code"), job.getString("reason"), first);
      for (int a = 1; a < attempts.size(); a++) {
        t.row("", "", "", "", attempt(attempts.getJsonObject(a)));
      }
    }
    return sb.append(t.render()).toString();
  }

  /** {@code #2 RUNNING on runner-1 token 17}, plus the attempt's exit code and reason when it has them. */
  static String attempt(JsonObject a) {
    StringBuilder sb = new StringBuilder();
    sb.append('#').append(a.getValue("number", "?")).append(' ').append(a.getString("state", "?"));
    if (a.getString("runner") != null) {
      sb.append(" on ").append(a.getString("runner"));
    }
    if (a.getValue("token") != null) {
      sb.append(" token ").append(a.getValue("token"));
    }
    if (a.getValue("exit_code") != null) {
      sb.append(" exit ").append(a.getValue("exit_code"));
    }
    if (a.getString("reason") != null) {
      sb.append(" (").append(a.getString("reason")).append(')');
    }
    return sb.toString();
  }
}
