package dev.reach.cli.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a drill did and found: its steps (with their time from the drill's start), the recovery times
 * (time to detect, to requeue, to finish, and the scenario's own), the invariants checked and the
 * verdict: {@code PASS} when every check held, else {@code FAIL} with the reasons.
 */
public final class DrillReport {
  private final String drillId;
  private final Scenario scenario;
  private final String target;
  private final long startedAtMs;
  private final List<String> steps = new ArrayList<>();
  private final Map<String, Long> timings = new LinkedHashMap<>();
  private final Map<String, Object> figures = new LinkedHashMap<>();
  private final List<Check> checks = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  DrillReport(String drillId, Scenario scenario, String target, long startedAtMs) {
    this.drillId = drillId;
    this.scenario = scenario;
    this.target = target;
    this.startedAtMs = startedAtMs;
  }

  void step(long atMs, String what) {
    steps.add(String.format(java.util.Locale.ROOT, "+%.1fs %s", (atMs - startedAtMs) / 1000.0, what));
  }

  /** A recovery time in ms (null: not observed). */
  void timing(String name, Long ms) {
    timings.put(name, ms);
  }

  void figure(String name, Object value) {
    figures.put(name, value);
  }

  void check(Check c) {
    checks.add(c);
  }

  void note(String note) {
    notes.add(note);
  }

  public String drillId() {
    return drillId;
  }

  public boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(Check::ok);
  }

  public List<Check> checks() {
    return List.copyOf(checks);
  }

  public Map<String, Long> timings() {
    return new LinkedHashMap<>(timings);
  }

  public Map<String, Object> figures() {
    return new LinkedHashMap<>(figures);
  }

  public String verdict() {
    return passed() ? "PASS" : "FAIL";
  }

  public JsonObject toJson() {
    JsonObject t = new JsonObject();
    timings.forEach(t::put);
    JsonObject f = new JsonObject();
    figures.forEach(f::put);
    JsonArray c = new JsonArray();
    checks.forEach(x -> c.add(x.toJson()));
    JsonArray reasons = new JsonArray();
    checks.stream().filter(x -> !x.ok()).forEach(x -> reasons.add(x.name() + ": " + x.detail()));
    return new JsonObject()
        .put("drill_id", drillId)
        .put("scenario", scenario.label())
        .put("target", target)
        .put("verdict", verdict())
        .put("reasons", reasons)
        .put("timings_ms", t)
        .put("figures", f)
        .put("checks", c)
        .put("steps", new JsonArray(new ArrayList<>(steps)))
        .put("notes", new JsonArray(new ArrayList<>(notes)));
  }

  /** The report for a person. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    String nl = System.lineSeparator();
    sb.append("drill ").append(scenario.label()).append(" (").append(drillId).append(") on ").append(target).append(nl);
    for (String s : steps) {
      sb.append("  ").append(s).append(nl);
    }
    if (!figures.isEmpty()) {
      sb.append("figures:").append(nl);
      figures.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(v).append(nl));
    }
    sb.append("recovery:").append(nl);
    timings.forEach((k, v) -> sb.append("  ").append(k).append(": ")
        .append(v == null ? "not observed" : String.format(java.util.Locale.ROOT, "%.1f s", v / 1000.0)).append(nl));
    sb.append("checks:").append(nl);
    for (Check c : checks) {
      sb.append("  ").append(c.ok() ? "ok   " : "FAIL ").append(c.name()).append(": ").append(c.detail()).append(nl);
    }
    for (String n : notes) {
      sb.append("note: ").append(n).append(nl);
    }
    sb.append("verdict: ").append(verdict());
    if (!passed()) {
      sb.append(" (").append(checks.stream().filter(x -> !x.ok()).map(Check::name)
          .reduce((a, b) -> a + "; " + b).orElse("nothing was checked")).append(')');
    }
    sb.append(nl);
    return sb.toString();
  }
}
