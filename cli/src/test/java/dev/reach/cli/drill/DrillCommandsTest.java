package dev.reach.cli.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.cli.ReachCtl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reachctl drill list|run} in this JVM: the scenario list, every usage error, and a drill that
 * cannot run (no docker, no API) ending at once with a clear message. Every {@code drill run} here points
 * at an API where nothing listens, so no test can ever hurt a cluster running on this host.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DrillCommandsTest {
  /** Nothing listens on port 1 (a privileged port): connection refused at once. */
  private static final String NO_API = "http://127.0.0.1:1";
  private static final List<String> SCENARIOS = List.of("runner-crash", "leader-crash", "db-outage",
      "artifact-store-outage", "network-partition", "rolling-restart", "poison-pill", "db-restore");

  @TempDir Path jobDir;

  private record Result(int code, String out, String err) {}

  private static Result reachctl(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReachCtl.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code drill run ARGS --api NO_API}, with a token unless the test is about tokens. */
  private static Result run(String... args) {
    List<String> all = new ArrayList<>(List.of("drill", "run"));
    all.addAll(Arrays.asList(args));
    all.addAll(List.of("--api", NO_API));
    return reachctl(Map.of(), all.toArray(String[]::new));
  }

  @Test
  void listNamesEveryScenarioWithItsTargets() {
    Result r = reachctl(Map.of(), "drill", "list");

    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).hasSize(SCENARIOS.size());
    for (int i = 0; i < SCENARIOS.size(); i++) {
      assertThat(lines.get(i)).startsWith(SCENARIOS.get(i) + " ");
    }
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("db-outage +compose +freeze the database.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("runner-crash +compose,local +SIGKILL.*"));
    assertThat(lines).anySatisfy(l -> assertThat(l).matches("rolling-restart +compose +restart every.*"));
  }

  @Test
  void listAsJson() {
    Result r = reachctl(Map.of(), "drill", "list", "--json");

    assertThat(r.code()).as(r.err()).isZero();
    JsonArray list = new JsonObject(r.out()).getJsonArray("scenarios");
    assertThat(list.stream().map(o -> ((JsonObject) o).getString("name")).toList()).isEqualTo(SCENARIOS);
    for (Object o : list) {
      JsonObject s = (JsonObject) o;
      assertThat(s.getString("summary")).isNotBlank();
      List<Object> expected = s.getString("name").equals("db-outage") || s.getString("name").equals("rolling-restart")
          ? List.of("compose") : s.getString("name").equals("db-restore") ? List.of("local") : List.of("compose", "local");
      assertThat(s.getJsonArray("targets").getList()).as(s.getString("name")).isEqualTo(expected);
    }
  }

  @Test
  void drillAloneShowsItsUsage() {
    Result r = reachctl(Map.of(), "drill");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("list").contains("run");
  }

  @Test
  void anUnknownScenarioIsAUsageErrorNamingTheScenarios() {
    Result r = run("nope", "--token", "t");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("unknown scenario 'nope'");
    SCENARIOS.forEach(s -> assertThat(r.err()).contains(s));
  }

  @Test
  void aComposeOnlyScenarioCannotRunLocally() {
    Result r = run("db-outage", "--target", "local", "--token", "t", "--job-dir", jobDir.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("scenario db-outage cannot run on target local (it can on: [compose])");
  }

  @Test
  void anUnknownTargetIsAUsageError() {
    Result r = run("runner-crash", "--target", "moon", "--token", "t");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--target must be compose or local, not 'moon'");
  }

  @Test
  void badNumbersAreUsageErrors() {
    assertThat(run("runner-crash", "--jobs", "0", "--token", "t")).satisfies(r -> {
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err()).contains("--jobs must be 1 to 1000");
    });
    assertThat(run("runner-crash", "--jobs", "1001", "--token", "t").code()).isEqualTo(2);
    assertThat(run("runner-crash", "--fault-seconds", "0", "--token", "t").err()).contains("--fault-seconds must be 1 to 3600");
    assertThat(run("runner-crash", "--timeout-seconds", "9", "--token", "t").err())
        .contains("--timeout-seconds must be 10 to 86400");
    assertThat(run("runner-crash", "--jobs", "many", "--token", "t").code()).isEqualTo(2);
  }

  @Test
  void withoutATokenItIsAUsageErrorNamingWhereTheTokenComesFrom() {
    Result r = run("runner-crash", "--target", "local", "--job-dir", jobDir.toString());

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--token").contains("REACH_ADMIN_TOKEN");
  }

  @Test
  void theTokenMayComeFromTheEnvironment() {
    Result r = reachctl(Map.of("REACH_ADMIN_TOKEN", "from-env"), "drill", "run", "runner-crash", "--target", "local",
        "--job-dir", jobDir.toString(), "--api", NO_API);

    assertThat(r.err()).doesNotContain("needs a token");
    assertThat(r.code()).isEqualTo(3);
  }

  @Test
  void withoutDockerTheComposeTargetFailsSayingSo() {
    Result r = run("runner-crash", "--target", "compose", "--docker", "/nonexistent/docker", "--token", "x");

    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("drill runner-crash could not run: cannot run `/nonexistent/docker ps -a")
        .contains("the compose target needs the docker command line on the PATH")
        .doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anUnreachableApiEndsTheDrillAtOnceBeforeAnyFault() {
    long t0 = System.nanoTime();
    Result r = run("runner-crash", "--target", "local", "--token", "t", "--job-dir", jobDir.toString());
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).startsWith("drill runner-crash did not start: cannot reach the Reach hub at " + NO_API)
        .doesNotContain("\tat ").doesNotContain("Exception")
        .doesNotContain("drill drill-"); // no progress line: the drill never began
    assertThat(r.out()).isEmpty();
    assertThat(tookMs).as("a drill that cannot reach the API must not wait out the retry window").isLessThan(20_000);
  }
}
