package dev.reach.cli;

import dev.reach.shared.audit.VerifyReport;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reachctl demo}: walks the core flows against a running cluster, one step at a time, each with a
 * bounded wait on its condition — submit a run with an artifact-producing job, follow its log to the end,
 * check the artifact's size and sha256, cancel a running run, get a job into the dead-letter queue and requeue
 * it, export the audit log and verify it. Stops at the first failed step (exit 1) and says what was expected
 * and what was seen. Everything it submits is named {@code demo-<id>-...}.
 */
@Command(
    name = "demo",
    description = {"Walk the core flows against a running cluster: submit, follow logs, artifact, cancel,"
        + " dead letter + requeue, audit export + verify. One line per step: step N/M NAME: ok (x.y s).",
        "The dead-letter step submits a job that SIGKILLs the runner JVM it runs on (its first time only), so"
            + " its attempt is lost and the job quarantined (max_lost_attempts 1); the requeued job finds the"
            + " marker it left and succeeds. In a cluster of one member (local mode: runners share the hub's JVM)"
            + " that would stop the whole cluster, so the step is skipped there (reported as skipped).",
        "--json: {\"ok\", \"api\", \"demo_id\", \"failed_step\" (null or the step's name), \"steps\": [{\"step\","
            + " \"name\", \"outcome\" (ok, failed, skipped), \"seconds\", \"detail\", \"expected\"?, \"seen\"?}]};"
            + " the step lines go to stderr."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:every step passed (or was skipped with its reason)", "1:a step failed (it is named,"
        + " with what was expected and what was seen)", "2:bad usage (no admin token)",
        "3:the Reach hub cannot be reached (the URL is named)"},
    mixinStandardHelpOptions = true)
public final class DemoCommand implements Callable<Integer> {
  static final List<String> STEPS = List.of("submit", "follow-logs", "artifact", "cancel", "dead-letter", "audit");
  static final String ARTIFACT = "demo-artifact.txt";
  /** The directory every compose runner shares (see docker-compose.yml); elsewhere /tmp. */
  static final String SHARED_DIR = "/var/lib/reach/drill";

  private final Cli cli;

  @Mixin JsonOption output;

  @Mixin ApiOptions api;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "The longest wait for any one step's condition (default: 180).")
  int timeoutSeconds = 180;

  @Option(names = "--dead-letter", paramLabel = "MODE",
      description = "auto (default: skipped on a one-member cluster), run (always), skip (never).")
  String deadLetter = "auto";

  private ApiClient client;
  private Map<String, String> admin;
  private String id;
  private String buildRun;

  public DemoCommand(Cli cli) {
    this.cli = cli;
  }

  /** A step failed: what it expected and what it saw. */
  static final class StepFailed extends RuntimeException {
    final String expected;
    final String seen;

    StepFailed(String expected, String seen) {
      super("expected " + expected + ", saw " + seen);
      this.expected = expected;
      this.seen = seen;
    }
  }

  /** A step that does not apply here, with the reason. */
  static final class StepSkipped extends RuntimeException {
    StepSkipped(String why) {
      super(why);
    }
  }

  @Override
  public Integer call() {
    if (timeoutSeconds < 1) {
      throw new CliException(ExitCodes.USAGE, "--timeout must be 1 or more");
    }
    if (!List.of("auto", "run", "skip").contains(deadLetter)) {
      throw new CliException(ExitCodes.USAGE, "--dead-letter must be auto, run or skip");
    }
    client = api.client(cli);
    int m = STEPS.size();
    try {
      client.getJsonAnyStatus("/health/live"); // an unreachable hub is exit 3, named, before anything else
    } catch (ApiClient.UnreachableException e) {
      unreachable(1, m, e);
    } catch (ApiClient.ApiException e) {
      // it answers: the steps say what does not work
    }
    admin = api.adminHeaders(cli); // requeue and the audit export are admin calls: exit 2 without a token
    id = UUID.randomUUID().toString().substring(0, 8);
    PrintStream people = output.on() ? cli.err() : cli.out();
    JsonArray steps = new JsonArray();
    String failed = null;
    for (int i = 0; i < m && failed == null; i++) {
      String name = STEPS.get(i);
      long t0 = System.nanoTime();
      JsonObject s = new JsonObject().put("step", i + 1).put("name", name);
      String prefix = "step " + (i + 1) + "/" + m + " " + name + ": ";
      try {
        String detail = run(name);
        s.put("outcome", "ok").put("seconds", seconds(t0)).put("detail", detail);
        people.println(prefix + "ok (" + fmt(seconds(t0)) + " s)" + (detail == null ? "" : "  " + detail));
      } catch (StepSkipped e) {
        s.put("outcome", "skipped").put("seconds", seconds(t0)).put("detail", e.getMessage());
        people.println(prefix + "skipped (" + e.getMessage() + ")");
      } catch (StepFailed e) {
        failed = name;
        s.put("outcome", "failed").put("seconds", seconds(t0)).put("expected", e.expected).put("seen", e.seen);
        people.println(prefix + "FAILED (" + fmt(seconds(t0)) + " s)");
        people.println("  expected: " + e.expected);
        people.println("  seen:     " + e.seen);
      } catch (ApiClient.UnreachableException e) {
        people.flush();
        unreachable(i + 1, m, e);
      } catch (CliException e) {
        failed = name;
        s.put("outcome", "failed").put("seconds", seconds(t0)).put("expected", "the step's calls to succeed")
            .put("seen", e.getMessage());
        people.println(prefix + "FAILED (" + fmt(seconds(t0)) + " s)");
        people.println("  expected: the step's calls to succeed");
        people.println("  seen:     " + e.getMessage());
      }
      people.flush();
      steps.add(s);
    }
    if (failed == null) {
      people.println("demo " + id + ": all " + m + " steps passed against " + client.base());
    } else {
      people.println("demo " + id + ": step " + failed + " failed against " + client.base());
    }
    people.flush();
    if (output.on()) {
      JsonOption.print(cli.out(), new JsonObject().put("ok", failed == null).put("api", client.base())
          .put("demo_id", id).put("failed_step", failed).put("steps", steps));
    }
    return failed == null ? ExitCodes.OK : ExitCodes.FAILED;
  }

  /**
   * The hub went away: exit 3 with the URL named; without --json the step is named on stderr too (stdout stays
   * empty or holds the steps so far).
   */
  private void unreachable(int step, int m, ApiClient.UnreachableException e) {
    if (!output.on()) { // with --json stderr holds only the error's JSON line
      cli.err().println("step " + step + "/" + m + " " + STEPS.get(step - 1) + ": FAILED: "
          + e.getMessage().replaceFirst("^reachctl: ", ""));
      cli.err().flush();
    }
    throw e; // exit 3, the URL named
  }

  private String run(String step) {
    return switch (step) {
      case "submit" -> submit();
      case "follow-logs" -> followLogs();
      case "artifact" -> artifact();
      case "cancel" -> cancel();
      case "dead-letter" -> deadLetter();
      case "audit" -> audit();
      default -> throw new IllegalStateException(step);
    };
  }

  /** The content the build job writes to its artifact. */
  String artifactContent() {
    return "reach demo " + id + "\n";
  }

  private String submit() {
    String command = "echo 'demo " + id + ": building'; sleep 1; printf 'reach demo %s\\n' '" + id + "' > " + ARTIFACT
        + "; echo 'demo " + id + ": wrote " + ARTIFACT + "'; sleep 1; echo 'demo " + id + ": done'";
    JsonObject spec = new JsonObject().put("name", "demo-" + id + "-build").put("jobs", new JsonArray().add(
        new JsonObject().put("name", "build").put("command", command).put("timeout_seconds", 120)
            .put("artifacts", new JsonArray().add(ARTIFACT))));
    ApiClient.JsonReply r = client.postJson("/api/v1/runs", spec.toBuffer().getBytes(), Map.of());
    buildRun = r.body().getString("id");
    if (r.status() != 201 || buildRun == null) {
      throw new StepFailed("201 with the new run's id", r.status() + " " + r.body().encode());
    }
    return "run " + buildRun;
  }

  private String followLogs() {
    String path = "/api/v1/runs/" + ApiClient.segment(buildRun) + "/jobs/build/log?follow=true";
    String log;
    // follow=true streams until the attempt ends; a log that is not there yet (not leased yet) is retried
    log = await("the build job's log to be readable", () -> {
      try (InputStream in = client.stream(path, Map.of())) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (ApiClient.ApiException e) {
        if (e.status() == 404) {
          return null;
        }
        throw e;
      } catch (IOException e) {
        throw new StepFailed("the followed log to stream to its end", "it broke off: " + Futures.describe(e));
      }
    }, s -> s != null, s -> "no log yet");
    String last = "demo " + id + ": done";
    if (!log.contains(last)) {
      throw new StepFailed("the followed log to end with '" + last + "'", "'" + tail(log) + "'");
    }
    JsonObject run = awaitRun(buildRun, st -> terminal(st));
    if (!"SUCCEEDED".equals(run.getString("state"))) {
      throw new StepFailed("run " + buildRun + " SUCCEEDED", run.getString("state") + " " + jobSummary(run));
    }
    return log.split("\n").length + " log line(s), run SUCCEEDED";
  }

  private String artifact() {
    JsonObject run = client.getJson("/api/v1/runs/" + ApiClient.segment(buildRun)).body();
    JsonObject job = job(run, "build");
    JsonArray attempts = job == null ? null : job.getJsonArray("attempts");
    if (attempts == null || attempts.isEmpty()) {
      throw new StepFailed("the build job with an attempt", run.encode());
    }
    JsonObject last = attempts.getJsonObject(attempts.size() - 1);
    JsonObject art = null;
    for (Object o : last.getJsonArray("artifacts", new JsonArray())) {
      if (o instanceof JsonObject a && ARTIFACT.equals(a.getString("name"))) {
        art = a;
      }
    }
    byte[] content = artifactContent().getBytes(StandardCharsets.UTF_8);
    String sha = sha256(content);
    String expected = ARTIFACT + " stored, " + content.length + " bytes, sha256 " + sha;
    if (art == null) {
      throw new StepFailed(expected, "artifacts " + last.getJsonArray("artifacts", new JsonArray()).encode());
    }
    if (Boolean.TRUE.equals(art.getBoolean("missing")) || !sha.equals(art.getString("sha256"))
        || art.getLong("size", -1L) != content.length) {
      throw new StepFailed(expected, art.encode());
    }
    return ARTIFACT + " " + content.length + " bytes, sha256 " + sha.substring(0, 12) + "...";
  }

  private String cancel() {
    JsonObject spec = new JsonObject().put("name", "demo-" + id + "-cancel").put("jobs", new JsonArray().add(
        new JsonObject().put("name", "long").put("command", "echo 'demo " + id + ": waiting to be cancelled'; sleep 300")
            .put("timeout_seconds", 600)));
    String run = client.postJson("/api/v1/runs", spec.toBuffer().getBytes(), Map.of()).body().getString("id");
    JsonObject r = await("run " + run + "'s job RUNNING", () -> getRun(run),
        o -> "RUNNING".equals(stateOf(job(o, "long"))), o -> o.getString("state") + " " + jobSummary(o));
    JsonObject c = client.postJson("/api/v1/runs/" + ApiClient.segment(run) + "/cancel", new byte[0], Map.of()).body();
    JsonObject done = awaitRun(run, DemoCommand::terminal);
    if (!"CANCELLED".equals(done.getString("state")) || !"CANCELLED".equals(stateOf(job(done, "long")))) {
      throw new StepFailed("run " + run + " and its job CANCELLED", done.getString("state") + " " + jobSummary(done));
    }
    return "run " + run + " CANCELLED (" + c.getValue("cancelled_jobs", 0) + " job(s) cancelled; was "
        + r.getString("state") + ")";
  }

  private String deadLetter() {
    if ("skip".equals(deadLetter)) {
      throw new StepSkipped("--dead-letter skip");
    }
    if ("auto".equals(deadLetter)) {
      JsonObject status = client.getJson("/admin/api/system-status", admin).body();
      int members = status.getJsonObject("cluster", new JsonObject()).getInteger("members", 0);
      if (members <= 1) {
        throw new StepSkipped("a cluster of " + members + " member: the runners share the hub's JVM, and a lost"
            + " attempt needs a runner killed; --dead-letter run forces it");
      }
    }
    String marker = "reach-demo-" + id + ".requeue-marker";
    // the first time: leave the marker where every runner sees it, then SIGKILL the runner JVM we run on
    // (its nearest java ancestor); the requeued job finds the marker, removes it and succeeds
    String command = "d=" + SHARED_DIR + "; [ -d \"$d\" ] && [ -w \"$d\" ] || d=/tmp; m=\"$d/" + marker + "\"; "
        + "if [ -e \"$m\" ]; then echo 'demo " + id + ": requeued, marker found'; rm -f \"$m\"; exit 0; fi; "
        + "echo \"$REACH_JOB_ID\" > \"$m\"; echo 'demo " + id + ": killing the runner I run on'; "
        + "p=$$; while [ \"$p\" -gt 1 ]; do p=$(awk '{print $4}' /proc/$p/stat); "
        + "if [ \"$(cat /proc/$p/comm 2>/dev/null)\" = java ]; then kill -9 $p; break; fi; done; sleep 60; exit 7";
    JsonObject spec = new JsonObject().put("name", "demo-" + id + "-dead-letter").put("jobs", new JsonArray().add(
        new JsonObject().put("name", "poison").put("command", command).put("timeout_seconds", 120)
            .put("max_lost_attempts", 1)));
    String run = client.postJson("/api/v1/runs", spec.toBuffer().getBytes(), Map.of()).body().getString("id");
    JsonObject quarantined = await("run " + run + "'s job QUARANTINED", () -> getRun(run),
        o -> terminal(stateOf(job(o, "poison"))), o -> jobSummary(o));
    JsonObject job = job(quarantined, "poison");
    if (!"QUARANTINED".equals(stateOf(job))) {
      throw new StepFailed("job poison of run " + run + " QUARANTINED (its one lost attempt)", jobSummary(quarantined));
    }
    String jobId = job.getString("id");
    await("a dead letter for job " + jobId, () -> {
      try {
        return client.getJson("/api/v1/dead-letters/" + ApiClient.segment(jobId)).body();
      } catch (ApiClient.ApiException e) {
        if (e.status() == 404) {
          return null;
        }
        throw e;
      }
    }, r -> r != null, r -> "no dead letter");
    JsonObject rq = client.postJson("/admin/api/dead-letters/" + ApiClient.segment(jobId) + "/requeue",
        new JsonObject().put("reason", "reachctl demo " + id).toBuffer().getBytes(), admin).body();
    String again = rq.getString("run_id");
    JsonObject done = awaitRun(again, DemoCommand::terminal);
    if (!"SUCCEEDED".equals(done.getString("state"))) {
      throw new StepFailed("the requeued run " + again + " SUCCEEDED", done.getString("state") + " " + jobSummary(done));
    }
    return "job " + jobId.substring(0, 8) + " quarantined, requeued as run " + again + ": SUCCEEDED";
  }

  private String audit() {
    Path file;
    try {
      file = Files.createTempFile("reach-demo-" + id + "-audit", ".jsonl");
    } catch (IOException e) {
      throw new StepFailed("a temporary file for the export", Futures.describe(e));
    }
    try {
      long lines;
      try (Writer out = new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8), 64 * 1024)) {
        lines = AuditExportCommand.export(client, "/admin/api/events", admin, out);
      }
      VerifyReport report;
      try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        report = AuditVerifyCommand.verify(in);
      }
      if (!report.ok()) {
        throw new StepFailed("the exported log to verify", report.describe().strip());
      }
      String runLine = "\"" + buildRun + "\"";
      boolean hasRun;
      try (java.util.stream.Stream<String> s = Files.lines(file, StandardCharsets.UTF_8)) {
        hasRun = s.anyMatch(l -> l.contains(runLine));
      }
      if (!hasRun) {
        throw new StepFailed("the export to hold the events of run " + buildRun, "none of its " + lines + " lines names it");
      }
      return report.events() + " event(s) exported and verified";
    } catch (IOException e) {
      throw new StepFailed("the export written and read back", Futures.describe(e));
    } finally {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a temporary file
      }
    }
  }

  // --- helpers

  private JsonObject getRun(String run) {
    return client.getJson("/api/v1/runs/" + ApiClient.segment(run)).body();
  }

  private JsonObject awaitRun(String run, Predicate<String> state) {
    return await("run " + run + " to end", () -> getRun(run), o -> state.test(o.getString("state")),
        o -> o.getString("state") + " " + jobSummary(o));
  }

  /** Polls {@code get} until {@code done} holds, at most {@code --timeout}; then the step fails with the last value. */
  private <T> T await(String what, Supplier<T> get, Predicate<T> done, java.util.function.Function<T, String> show) {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    T last = null;
    long pause = 50;
    while (true) {
      last = get.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new StepFailed(what + " within " + timeoutSeconds + " s", last == null ? "nothing" : show.apply(last));
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(ExitCodes.FAILED, "interrupted");
      }
      pause = Math.min(500, pause * 2);
    }
  }

  static boolean terminal(String state) {
    return state != null && List.of("SUCCEEDED", "FAILED", "CANCELLED", "QUARANTINED").contains(state);
  }

  static JsonObject job(JsonObject run, String name) {
    for (Object o : run.getJsonArray("jobs", new JsonArray())) {
      if (o instanceof JsonObject j && name.equals(j.getString("name"))) {
        return j;
      }
    }
    return null;
  }

  static String stateOf(JsonObject job) {
    return job == null ? null : job.getString("state");
  }

  static String jobSummary(JsonObject run) {
    List<String> parts = new ArrayList<>();
    for (Object o : run.getJsonArray("jobs", new JsonArray())) {
      if (o instanceof JsonObject j) {
        parts.add(j.getString("name") + "=" + j.getString("state") + (j.getString("reason") == null ? ""
            : "(" + j.getString("reason") + ")"));
      }
    }
    return "jobs " + String.join(", ", parts);
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String tail(String log) {
    String t = log.strip();
    return t.length() > 200 ? "..." + t.substring(t.length() - 200) : t;
  }

  private static double seconds(long t0) {
    return Math.round((System.nanoTime() - t0) / 1e8) / 10.0;
  }

  private static String fmt(double s) {
    return String.format(Locale.ROOT, "%.1f", s);
  }
}
