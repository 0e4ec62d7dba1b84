package dev.reach.cli.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.cli.LocalCluster;
import dev.reach.cli.ReachCtl;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /admin/api/drill-events} and the {@code leadership} of {@code GET /admin/api/system-status}
 * against a real hub and orchestrator on embedded Postgres (a local cluster in this JVM): a drill's step is
 * an event of the log naming the token that recorded it; a malformed step is refused and appends nothing;
 * the leader the system status names is the orchestrator whose lifecycle names that instance.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DrillEventsApiTest {
  static final String TOKEN = "drill-events-test-token-0123";
  static final String DRILL = "drill-20261201-100000-abcd";

  @TempDir static Path tmp;
  static LocalCluster cluster;
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    cluster = LocalCluster.start(LocalCluster.options().env(Map.of("REACH_TEST_MODE", "true", "REACH_ADMIN_TOKEN", TOKEN))
        .tempRoot(tmp).port(0).runners(1).slots(1));
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  private static Reply send(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> r = HTTP.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private static Reply post(String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(cluster.apiUrl() + "/admin/api/drill-events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b);
  }

  private static Reply post(JsonObject body) throws Exception {
    return post(TOKEN, body.encode());
  }

  private static Reply get(String path) throws Exception {
    return send(HttpRequest.newBuilder(URI.create(cluster.apiUrl() + path)).header("Authorization", "Bearer " + TOKEN).GET());
  }

  private static JsonObject step(String type, String drillId) {
    return new JsonObject().put("type", type).put("drill_id", drillId).put("scenario", "runner-crash")
        .put("target", "local").put("detail", new JsonObject().put("jobs", 24).put("fault_ms", 20_000));
  }

  /** The events of the log's export (header and end lines left out). */
  private static List<JsonObject> events() throws Exception {
    Reply r = get("/admin/api/events");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<JsonObject> lines = r.body().lines().map(JsonObject::new).toList();
    assertThat(lines.get(lines.size() - 1).containsKey("reach_event_export_end")).as("the export ended").isTrue();
    return lines.stream().filter(l -> l.containsKey("seq")).toList();
  }

  private static List<JsonObject> drillEvents(String drillId) throws Exception {
    return events().stream().filter(e -> e.getString("type").startsWith("drill_"))
        .filter(e -> drillId.equals(e.getJsonObject("payload").getString("drill_id"))).toList();
  }

  @Test
  void withoutAValidTokenItIsUnauthorized() throws Exception {
    Reply none = post(null, step("drill_started", "drill-anonymous").encode());
    Reply wrong = post("not-the-admin-token-0123", step("drill_started", "drill-anonymous").encode());

    assertThat(none.status()).isEqualTo(401);
    assertThat(none.error().getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(drillEvents("drill-anonymous")).isEmpty();
  }

  @Test
  void aStepIsAnEventNamingTheTokenAsItsActor() throws Exception {
    Reply started = post(step("drill_started", DRILL));
    Reply injected = post(new JsonObject().put("type", "drill_fault_injected").put("drill_id", DRILL)
        .put("scenario", "runner-crash").put("target", "local")); // no detail: an empty one

    assertThat(started.status()).as(started.body()).isEqualTo(201);
    assertThat(injected.status()).as(injected.body()).isEqualTo(201);
    long seq = started.json().getLong("seq");
    assertThat(injected.json().getLong("seq")).isGreaterThan(seq);
    List<JsonObject> events = drillEvents(DRILL);
    assertThat(events).extracting(e -> e.getString("type")).containsExactly("drill_started", "drill_fault_injected");
    JsonObject e = events.get(0);
    assertThat(e.getLong("seq")).isEqualTo(seq);
    assertThat(e.getJsonObject("payload")).isEqualTo(new JsonObject().put("drill_id", DRILL)
        .put("scenario", "runner-crash").put("target", "local")
        .put("detail", new JsonObject().put("jobs", 24).put("fault_ms", 20_000))
        .put("actor", "token:REACH_ADMIN_TOKEN"));
    assertThat(events.get(1).getJsonObject("payload").getJsonObject("detail")).isEqualTo(new JsonObject());
    assertThat(events.get(1).getLong("seq")).isEqualTo(injected.json().getLong("seq"));
  }

  @Test
  void aMalformedStepIsRefusedNamingTheFieldAndAppendsNothing() throws Exception {
    String bad = "drill-malformed";
    Map<String, JsonObject> cases = Map.of(
        "bogus", step("drill_started", bad).put("bogus", 1),
        "actor", step("drill_started", bad).put("actor", "token:someone-else"),
        "type", step("drill_exploded", bad),
        "drill_id", step("drill_started", "drill with spaces"),
        "scenario", step("drill_started", bad).put("scenario", ""),
        "target", step("drill_started", bad).put("target", 7),
        "detail", step("drill_started", bad).put("detail", "not an object"));

    for (Map.Entry<String, JsonObject> c : cases.entrySet()) {
      Reply r = post(c.getValue());
      assertThat(r.status()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
      assertThat(r.error().getString("code")).as(c.getKey()).isEqualTo("INVALID_REQUEST");
      assertThat(r.error().getString("field")).as(c.getKey()).isEqualTo(c.getKey());
      assertThat(r.error().getString("message")).as(c.getKey()).contains(c.getKey());
    }
    // a type the orchestrator's audit address takes, but not a drill's: no forged operator action
    Reply restart = post(step("manual_restart", bad));
    Reply array = post(step("drill_started", bad).put("detail", new JsonArray().add(1)));
    Reply huge = post(step("drill_started", bad).put("detail", new JsonObject().put("x", "y".repeat(9 * 1024))));
    Reply missing = post(new JsonObject().put("type", "drill_started").put("drill_id", bad).put("target", "local"));
    Reply notJson = post(TOKEN, "[1,2]");

    assertThat(restart.status()).isEqualTo(400);
    assertThat(restart.error().getString("field")).isEqualTo("type");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.error().getString("field")).isEqualTo("detail");
    assertThat(huge.status()).isEqualTo(400);
    assertThat(huge.error().getString("field")).isEqualTo("detail");
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.error().getString("field")).isEqualTo("scenario");
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(drillEvents(bad)).isEmpty();
    assertThat(events()).noneMatch(e -> e.getString("type").equals("manual_restart"));
  }

  @Test
  void theSystemStatusNamesTheLeaderAsItsOrchestratorsLifecycleNamesItsInstance() throws Exception {
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      JsonObject status = get("/admin/api/system-status").json();
      JsonObject leadership = status.getJsonObject("leadership");
      assertThat(leadership.getLong("epoch")).isGreaterThanOrEqualTo(1);
      assertThat(services(status, "runner")).isNotEmpty();
    });
    JsonObject status = get("/admin/api/system-status").json();
    JsonObject leadership = status.getJsonObject("leadership");

    assertThat(leadership.fieldNames()).containsExactlyInAnyOrder("leader_id", "epoch", "since");
    assertThat(leadership.getString("leader_id")).isNotBlank();
    assertThat(OffsetDateTime.parse(leadership.getString("since"))).isBefore(OffsetDateTime.now().plusMinutes(1));
    assertThat(services(status, "orchestrator")).extracting(s -> s.getString("instance"))
        .containsExactly(leadership.getString("leader_id"));
    assertThat(services(status, "runner")).extracting(s -> s.getString("instance")).containsExactly("dev-runner-1");
    assertThat(services(status, "hub")).isNotEmpty().allSatisfy(s -> assertThat(s.containsKey("instance")).isFalse());
  }

  /** The lifecycles of {@code service} across the node directory. */
  private static List<JsonObject> services(JsonObject status, String service) {
    return status.getJsonArray("nodes").stream()
        .map(n -> ((JsonObject) n).getJsonObject("services", new JsonObject()).getJsonObject(service))
        .filter(s -> s != null).toList();
  }

  @Test
  void aDrillWhoseTokenIsRefusedEndsBeforeItSubmitsOrHurtsAnything(@TempDir Path jobDir) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = ReachCtl.execute(new String[] {"drill", "run", "runner-crash", "--target", "local", "--token",
        "not-the-admin-token-0123", "--api", cluster.apiUrl(), "--job-dir", jobDir.toString()}, Map.of(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(stderr).isEqualTo(1);
    assertThat(stderr).startsWith("drill runner-crash did not start: error UNAUTHORIZED");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(get("/api/v1/runs").json().getJsonArray("runs")).as("no drill job submitted").isEmpty();
  }
}
