package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.cli.ReachCtl;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code reachctl demo --dead-letter run} against a cluster of one process per service (two orchestrators, an
 * artifact store, a hub, two supervised runners): every step ok, the dead-letter step included — its job
 * SIGKILLs the runner it runs on once, is quarantined, requeued by the admin and succeeds; the killed runner is
 * started again by the supervisor.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class DemoCommandMultiProcessTest {
  private DrillCluster cluster;

  @BeforeEach
  void start() throws Exception {
    cluster = new DrillCluster(Map.of("REACH_OUTAGE_RIDE_THROUGH_MS", "10000"));
    cluster.startRunners(2, "runner-a", "runner-b");
    for (String r : new String[] {"runner-a", "runner-b"}) {
      cluster.supervise(r, 2);
    }
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void everyStepPassesWithARealDeadLetter() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ReachCtl.execute(new String[] {"demo", "--json", "--dead-letter", "run", "--timeout", "180",
        "--api", cluster.api(), "--token", dev.reach.it.ItTokens.ADMIN}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    String stdout = out.toString(StandardCharsets.UTF_8);
    String stderr = err.toString(StandardCharsets.UTF_8);
    System.out.print(stderr);
    assertThat(stdout).as("exit " + code + ", stderr:\n" + stderr).startsWith("{");
    JsonObject report = new JsonObject(stdout);
    assertThat(code).as(report.encodePrettily()).isZero();
    for (Object o : report.getJsonArray("steps")) {
      assertThat(((JsonObject) o).getString("outcome")).as(((JsonObject) o).encode()).isEqualTo("ok");
    }
    assertThat(cluster.restarts()).as("the runner the demo's job killed was started again").isGreaterThanOrEqualTo(1);
  }
}
