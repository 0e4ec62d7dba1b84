package dev.reach.cli.drill;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The drill's report: the verdict, its JSON shape and its text. */
class DrillReportTest {
  private static final long T0 = 1_800_000_000_000L;

  private static DrillReport report() {
    return new DrillReport("drill-20261201-100000-abcd", Scenario.RUNNER_CRASH, "compose project reach", T0);
  }

  @Test
  void nothingCheckedIsAFail() {
    DrillReport r = report();

    assertThat(r.passed()).isFalse();
    assertThat(r.verdict()).isEqualTo("FAIL");
    assertThat(r.toJson().getJsonArray("reasons")).isEmpty();
    assertThat(r.describe()).contains("verdict: FAIL (nothing was checked)");
  }

  @Test
  void passesOnlyWhenEveryCheckHeld() {
    DrillReport ok = report();
    ok.check(new Check("every job terminal", true, "24 jobs terminal"));
    ok.check(new Check("no submission lost", true, "2 of 2 accepted runs"));
    DrillReport one = report();
    one.check(new Check("every job terminal", true, "24 jobs terminal"));
    one.check(new Check("no submission lost", false, "1 of 2 accepted runs"));

    assertThat(ok.passed()).isTrue();
    assertThat(ok.verdict()).isEqualTo("PASS");
    assertThat(ok.toJson().getJsonArray("reasons")).isEmpty();
    assertThat(ok.describe()).contains("verdict: PASS").doesNotContain("FAIL");
    assertThat(one.passed()).isFalse();
    assertThat(one.verdict()).isEqualTo("FAIL");
    assertThat(one.toJson().getJsonArray("reasons")).containsExactly("no submission lost: 1 of 2 accepted runs");
  }

  @Test
  void theJsonHasTheVerdictReasonsTimingsChecksAndSteps() {
    DrillReport r = report();
    r.step(T0, "started: 24 jobs");
    r.step(T0 + 1_500, "kill runner-2 (runner)");
    r.timing("detect", null);
    r.timing("requeue", 2_345L);
    r.figure("attempts_lost", 5);
    r.check(new Check("every job terminal", true, "24 jobs terminal"));
    r.check(new Check("no two attempts of a job at once", false, "D-s0-j1: overlap"));
    r.note("only one orchestrator");

    JsonObject j = r.toJson();

    assertThat(j.fieldNames()).containsExactly("drill_id", "scenario", "target", "verdict", "reasons", "timings_ms",
        "figures", "checks", "steps", "notes");
    assertThat(j.getString("drill_id")).isEqualTo("drill-20261201-100000-abcd");
    assertThat(j.getString("scenario")).isEqualTo("runner-crash");
    assertThat(j.getString("target")).isEqualTo("compose project reach");
    assertThat(j.getString("verdict")).isEqualTo("FAIL");
    assertThat(j.getJsonArray("reasons")).containsExactly("no two attempts of a job at once: D-s0-j1: overlap");
    JsonObject timings = j.getJsonObject("timings_ms");
    assertThat(timings.containsKey("detect")).isTrue();
    assertThat(timings.getValue("detect")).isNull();
    assertThat(timings.getLong("requeue")).isEqualTo(2_345L);
    assertThat(j.getJsonObject("figures")).isEqualTo(new JsonObject().put("attempts_lost", 5));
    assertThat(j.getJsonArray("checks")).isEqualTo(new JsonArray()
        .add(new JsonObject().put("name", "every job terminal").put("ok", true).put("detail", "24 jobs terminal"))
        .add(new JsonObject().put("name", "no two attempts of a job at once").put("ok", false)
            .put("detail", "D-s0-j1: overlap")));
    assertThat(j.getJsonArray("steps")).containsExactly("+0.0s started: 24 jobs", "+1.5s kill runner-2 (runner)");
    assertThat(j.getJsonArray("notes")).containsExactly("only one orchestrator");
    // it survives encoding with the null timing in place
    assertThat(new JsonObject(j.encode()).getJsonObject("timings_ms").fieldNames()).containsExactly("detect", "requeue");
  }

  @Test
  void describeIsTheReportForAPerson() {
    DrillReport r = report();
    r.step(T0 + 2_000, "kill runner-2 (runner)");
    r.figure("victim", "runner-2 (running 5 drill jobs)");
    r.timing("detect", null);
    r.timing("requeue", 2_345L);
    r.check(new Check("every job terminal", true, "24 jobs terminal"));
    r.check(new Check("no submission lost", false, "1 of 2 accepted runs"));
    r.check(new Check("audit log verifies (chain, lifecycle rules)", false, "seq gap at 17"));
    r.note("runner-2 was killed and a local drill does not start it again");

    String text = r.describe();

    assertThat(text.lines()).containsExactly(
        "drill runner-crash (drill-20261201-100000-abcd) on compose project reach",
        "  +2.0s kill runner-2 (runner)",
        "figures:",
        "  victim: runner-2 (running 5 drill jobs)",
        "recovery:",
        "  detect: not observed",
        "  requeue: 2.3 s",
        "checks:",
        "  ok   every job terminal: 24 jobs terminal",
        "  FAIL no submission lost: 1 of 2 accepted runs",
        "  FAIL audit log verifies (chain, lifecycle rules): seq gap at 17",
        "note: runner-2 was killed and a local drill does not start it again",
        "verdict: FAIL (no submission lost; audit log verifies (chain, lifecycle rules))");
  }
}
