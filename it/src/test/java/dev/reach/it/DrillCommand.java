package dev.reach.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.cli.ReachCtl;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code reachctl drill run ... --json} in this JVM, as the cluster tests run their drills. */
public final class DrillCommand {
  private DrillCommand() {}

  /**
   * Runs {@code reachctl drill run SCENARIO --target TARGET ARGS --json}; prints its progress and a DRILL line
   * with its figures, and fails with the whole report unless the verdict is PASS (exit 0). The report.
   */
  public static JsonObject passes(String scenario, String target, List<String> args) {
    List<String> all = new ArrayList<>(List.of("drill", "run", scenario, "--target", target, "--json"));
    all.addAll(args);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReachCtl.execute(all.toArray(String[]::new), Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    System.out.print(stderr);
    assertThat(stdout).as("drill " + scenario + " printed no report; exit " + code + ", stderr:\n" + stderr).startsWith("{");
    JsonObject report = new JsonObject(stdout);
    System.out.println("DRILL " + scenario + " (" + target + "): " + report.getString("verdict") + "; timings_ms "
        + report.getJsonObject("timings_ms").encode() + "; figures " + report.getJsonObject("figures").encode());
    assertThat(report.getString("verdict")).as(report.encodePrettily()).isEqualTo("PASS");
    assertThat(code).isZero();
    return report;
  }
}
