package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.hub.HubService;
import dev.reach.shared.audit.ExportLines;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.config.ReachConfig;
import dev.reach.shared.error.BusErrors;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.node.ReachNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An export that breaks off mid-stream is never taken for a whole one: the real hub, with a
 * stand-in orchestrator on the event bus whose second page fails (its database went away).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AuditExportCutOffTest {
  static final String TOKEN = "cut-off-test-admin-token";

  @TempDir Path tmp;
  private Vertx vertx;
  private HubService hub;
  private final AtomicInteger pages = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.ADMIN_TOKEN_VERIFY,
        m -> m.reply(new JsonObject().put("id", "t").put("name", "ops").put("role", "admin"))).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.ADMIN_EVENTS_PAGE, m -> {
      if (pages.incrementAndGet() > 1) {
        BusErrors.fail(m, new ReachException(ErrorCode.DB_UNAVAILABLE, "database unreachable (test)"));
        return;
      }
      JsonArray events = new JsonArray();
      for (long seq = 1; seq <= 3; seq++) {
        events.add(new JsonObject().put("pos", null).put("seq", seq).put("at", "2026-11-01T10:00:00.000000Z")
            .put("type", "probe").put("payload", new JsonObject()));
      }
      m.reply(new JsonObject().put("events", events).put("more", true).put("head", null));
    }).completion().await();
    ReachNode node = ReachNode.of(vertx, ReachConfig.from(Map.of("REACH_HTTP_PORT", "0",
        "REACH_STATE_DIR", tmp.resolve("state").toString()), 0));
    hub = HubService.deploy(node).await(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(60, TimeUnit.SECONDS);
  }

  @Test
  void anExportThatBreaksOffExitsNonZeroAndVerifySaysItWasCut() throws Exception {
    CliHarness export = new CliHarness().env(Map.of("REACH_ADMIN_TOKEN", TOKEN));
    int code = export.run("audit", "export", "--api", "http://127.0.0.1:" + hub.httpPort());

    assertThat(code).as(export.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(export.err()).contains("is incomplete");
    assertThat(pages.get()).isEqualTo(2);
    // what came before the break is on stdout, without the end line
    assertThat(export.out()).contains(ExportLines.HEADER).contains("\"seq\":3").doesNotContain(ExportLines.END);

    Path partial = tmp.resolve("partial.jsonl");
    Files.writeString(partial, export.out(), StandardCharsets.UTF_8);
    CliHarness verify = new CliHarness();
    assertThat(verify.run("audit", "verify", partial.toString())).isEqualTo(ExitCodes.FAILED);
    assertThat(verify.out()).contains("rule end: no end line");
  }
}
