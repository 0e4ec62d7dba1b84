package dev.reach.cli.drill;

import static dev.reach.cli.drill.Runs.attempt;
import static dev.reach.cli.drill.Runs.job;
import static dev.reach.cli.drill.Runs.ms;
import static dev.reach.cli.drill.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The end state of a drill's runs: the four checks and the figures the report gives. */
class OutcomeTest {
  private static final String RUN = "11111111-1111-4111-8111-111111111111";
  private static final String RUN2 = "22222222-2222-4222-8222-222222222222";
  private static final long FAULT_MS = ms(0);

  private final DrillWorkload workload = Runs.workload();

  private static Map<String, Check> byName(Outcome o) {
    return o.checks.stream().collect(Collectors.toMap(Check::name, c -> c));
  }

  private static List<String> failed(Outcome o) {
    return o.checks.stream().filter(c -> !c.ok()).map(Check::name).toList();
  }

  @Test
  void aCleanDrillPassesEveryCheck() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "r",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)),
        job("j1", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 3))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(o.checks).extracting(Check::name).containsExactly("no submission lost", "every job terminal",
        "outcomes as expected", "one accepted completion per job");
    assertThat(failed(o)).isEmpty();
    assertThat(o.jobs).isEqualTo(2);
    assertThat(o.lostAttempts).isZero();
    assertThat(o.lastEndMs).isEqualTo(ms(3));
    assertThat(byName(o).get("no submission lost").detail()).isEqualTo("1 of 1 accepted runs found with 2 of 2 jobs");
  }

  @Test
  void aJobWithTwoAcceptedCompletionsFails() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "r",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)),
        job("j1", "SUCCEEDED", attempt(1, "FAILED", "r1", -2, 1), attempt(2, "SUCCEEDED", "r2", 2, 4))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(failed(o)).containsExactly("one accepted completion per job");
    assertThat(byName(o).get("one accepted completion per job").detail()).isEqualTo("r/j1: 2 accepted completions");
  }

  @Test
  void aSucceededJobWithoutAnAcceptedCompletionFails() {
    workload.accepted(RUN, "D-s0", 1, false);
    List<JsonObject> runs = List.of(run(RUN, "r", job("j0", "SUCCEEDED", attempt(1, "LOST", "r1", -2, 1))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(failed(o)).containsExactly("one accepted completion per job");
    assertThat(byName(o).get("one accepted completion per job").detail()).isEqualTo("r/j0: 0 accepted completions");
  }

  @Test
  void aJobNotTerminalFails() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "r",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)),
        job("j1", "RUNNING", attempt(1, "RUNNING", "r1", -2, null))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(failed(o)).containsExactly("every job terminal");
    assertThat(byName(o).get("every job terminal").detail()).isEqualTo("1 not terminal: r/j1 RUNNING");
  }

  @Test
  void aMissingRunFailsNoSubmissionLost() {
    workload.accepted(RUN, "D-s0", 1, false);
    workload.accepted(RUN2, "D-s1", 1, false);
    List<JsonObject> runs = List.of(run(RUN, "r", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(failed(o)).containsExactly("no submission lost");
    assertThat(byName(o).get("no submission lost").detail()).isEqualTo("1 of 2 accepted runs found with 1 of 2 jobs");
  }

  @Test
  void aRunWithFewerJobsThanSubmittedFailsNoSubmissionLost() {
    workload.accepted(RUN, "D-s0", 3, false);
    List<JsonObject> runs = List.of(run(RUN, "r",
        job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)),
        job("j1", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(failed(o)).containsExactly("no submission lost");
    assertThat(byName(o).get("no submission lost").detail()).isEqualTo("1 of 1 accepted runs found with 2 of 3 jobs");
  }

  @Test
  void thePoisonJobIsExpectedQuarantinedAndOnlyThePoisonRunsOne() {
    workload.accepted(RUN, "D-s0", 1, false);
    workload.accepted(RUN2, "D-s1", 2, true);
    JsonObject quarantined = job("poison", "QUARANTINED", attempt(1, "LOST", "r1", 1, 2), attempt(2, "LOST", "r2", 3, 4));
    List<JsonObject> good = List.of(
        run(RUN, "ordinary", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1))),
        run(RUN2, "poisoned", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)), quarantined));
    List<JsonObject> poisonSucceeded = List.of(
        run(RUN, "ordinary", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1))),
        run(RUN2, "poisoned", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)),
            job("poison", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", 1, 2))));
    List<JsonObject> ordinaryQuarantined = List.of(
        run(RUN, "ordinary", job("poison", "QUARANTINED", attempt(1, "LOST", "r1", 1, 2))),
        run(RUN2, "poisoned", job("j0", "SUCCEEDED", attempt(1, "SUCCEEDED", "r1", -2, 1)), quarantined));

    Outcome ok = Outcome.of(good, workload, "poison", FAULT_MS);
    Outcome bad = Outcome.of(poisonSucceeded, workload, "poison", FAULT_MS);
    Outcome wrongRun = Outcome.of(ordinaryQuarantined, workload, "poison", FAULT_MS);
    Outcome unnamed = Outcome.of(good, workload, null, FAULT_MS);

    assertThat(failed(ok)).isEmpty();
    assertThat(byName(ok).get("outcomes as expected").detail())
        .isEqualTo("every probe job SUCCEEDED, the poison job QUARANTINED");
    assertThat(ok.lostAttempts).isEqualTo(2);
    assertThat(failed(bad)).containsExactly("outcomes as expected");
    assertThat(byName(bad).get("outcomes as expected").detail()).isEqualTo("poisoned/poison SUCCEEDED (expected QUARANTINED)");
    assertThat(failed(wrongRun)).contains("outcomes as expected");
    assertThat(byName(wrongRun).get("outcomes as expected").detail()).isEqualTo("ordinary/poison QUARANTINED (expected SUCCEEDED)");
    assertThat(failed(unnamed)).containsExactly("outcomes as expected");
  }

  @Test
  void requeueTimingCountsOnlyAnAttemptAfterALostOneAfterTheFault() {
    workload.accepted(RUN, "D-s0", 4, false);
    List<JsonObject> runs = List.of(run(RUN, "r",
        // lost before the fault and requeued before it: not this drill's recovery
        job("j0", "SUCCEEDED", attempt(1, "LOST", "r1", -30, -20), attempt(2, "SUCCEEDED", "r2", -19, -15)),
        // a failed attempt retried early: a retry, not a requeue
        job("j1", "SUCCEEDED", attempt(1, "FAILED", "r1", -2, 1), attempt(2, "SUCCEEDED", "r2", 2, 5)),
        // the fault's victim: lost at +8 s, requeued at +9 s
        job("j2", "SUCCEEDED", attempt(1, "LOST", "r1", -2, 8), attempt(2, "SUCCEEDED", "r2", 9, 12)),
        // another victim, noticed later
        job("j3", "SUCCEEDED", attempt(1, "LOST", "r1", -2, 10), attempt(2, "SUCCEEDED", "r2", 11, 14))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(o.lostAttempts).isEqualTo(3);
    assertThat(o.firstLostMs - FAULT_MS).isEqualTo(8_000);
    assertThat(o.firstRequeueMs - FAULT_MS).isEqualTo(9_000);
    assertThat(o.lastEndMs - FAULT_MS).isEqualTo(14_000);
  }

  @Test
  void noLossAfterTheFaultMeansNoDetectionAndNoRequeue() {
    workload.accepted(RUN, "D-s0", 2, false);
    List<JsonObject> runs = List.of(run(RUN, "r",
        job("j0", "SUCCEEDED", attempt(1, "LOST", "r1", -30, -20), attempt(2, "SUCCEEDED", "r2", -19, -15)),
        job("j1", "SUCCEEDED", attempt(1, "FAILED", "r1", -2, 1), attempt(2, "SUCCEEDED", "r2", 2, 5))));

    Outcome o = Outcome.of(runs, workload, null, FAULT_MS);

    assertThat(o.firstLostMs).isZero();
    assertThat(o.firstRequeueMs).isZero();
  }
}
