package dev.reach.cli.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The end state of a drill's runs, checked: every accepted submission is there with all its jobs, every
 * job terminal with the outcome it should have ({@code SUCCEEDED}; the poison job {@code QUARANTINED}),
 * at most one accepted completion per job (exactly one for a succeeded job), and the figures the report
 * gives (attempts lost, first loss and first requeue after the fault, last end).
 */
final class Outcome {
  private static final Set<String> COMPLETED = Set.of("SUCCEEDED", "FAILED");

  final List<Check> checks = new ArrayList<>();
  int jobs;
  int lostAttempts;
  /** Epoch ms of the first attempt that ended LOST after the fault, or 0. */
  long firstLostMs;
  /** Epoch ms of the first attempt that started after the fault in place of a LOST one, or 0. */
  long firstRequeueMs;
  /** Epoch ms of the last attempt's end. */
  long lastEndMs;

  static Outcome of(List<JsonObject> runs, DrillWorkload workload, String poisonJob, long faultAtMs) {
    Outcome o = new Outcome();
    List<String> notTerminal = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    List<String> doubled = new ArrayList<>();
    for (JsonObject run : runs) {
      boolean poisonRun = run.getString("id").equals(workload.poisonRun());
      for (Object j : run.getJsonArray("jobs")) {
        JsonObject job = (JsonObject) j;
        o.jobs++;
        String name = run.getString("name") + "/" + job.getString("name");
        String state = job.getString("state");
        String expected = poisonRun && job.getString("name").equals(poisonJob) ? "QUARANTINED" : "SUCCEEDED";
        if (!DrillWorkload.TERMINAL.contains(state)) {
          notTerminal.add(name + " " + state);
        } else if (!expected.equals(state)) {
          wrong.add(name + " " + state + " (expected " + expected + ")");
        }
        int completions = 0;
        boolean previousLost = false;
        for (Object a : job.getJsonArray("attempts", new JsonArray())) {
          JsonObject attempt = (JsonObject) a;
          String as = attempt.getString("state");
          long started = millis(attempt.getString("started_at"));
          long ended = millis(attempt.getString("ended_at"));
          o.lastEndMs = Math.max(o.lastEndMs, ended);
          if (COMPLETED.contains(as)) {
            completions++;
          }
          if ("LOST".equals(as)) {
            o.lostAttempts++;
            if (ended >= faultAtMs && (o.firstLostMs == 0 || ended < o.firstLostMs)) {
              o.firstLostMs = ended;
            }
          }
          if (previousLost && started >= faultAtMs && (o.firstRequeueMs == 0 || started < o.firstRequeueMs)) {
            o.firstRequeueMs = started;
          }
          previousLost = "LOST".equals(as);
        }
        if (completions > 1 || ("SUCCEEDED".equals(state) && completions != 1)) {
          doubled.add(name + ": " + completions + " accepted completions");
        }
      }
    }
    o.checks.add(new Check("no submission lost", o.jobs == workload.submittedJobs() && runs.size() == workload.runIds().size(),
        runs.size() + " of " + workload.runIds().size() + " accepted runs found with " + o.jobs + " of "
            + workload.submittedJobs() + " jobs"));
    o.checks.add(new Check("every job terminal", notTerminal.isEmpty(),
        notTerminal.isEmpty() ? o.jobs + " jobs terminal" : notTerminal.size() + " not terminal: " + first(notTerminal)));
    o.checks.add(new Check("outcomes as expected", wrong.isEmpty(),
        wrong.isEmpty() ? "every probe job SUCCEEDED" + (poisonJob == null ? "" : ", the poison job QUARANTINED")
            : first(wrong)));
    o.checks.add(new Check("one accepted completion per job", doubled.isEmpty(),
        doubled.isEmpty() ? "no job completed twice" : first(doubled)));
    return o;
  }

  private static String first(List<String> items) {
    return String.join("; ", items.subList(0, Math.min(5, items.size()))) + (items.size() > 5 ? "; ..." : "");
  }

  static long millis(String iso) {
    return iso == null ? 0 : OffsetDateTime.parse(iso).toInstant().toEpochMilli();
  }
}
