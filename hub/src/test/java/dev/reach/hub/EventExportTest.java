package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reach.shared.audit.ExportLines;
import dev.reach.shared.bus.Addresses;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /admin/api/events}: pages from the orchestrator streamed as JSON lines, header to end line. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventExportTest {
  static final String TOKEN = "test-admin-token-0123456789";
  static final String RUN = RunViews.RUN_ID;
  static final JsonObject HEAD = new JsonObject().put("pos", 4).put("seq", 5).put("hash", "a".repeat(64));

  private HubFixture f;
  private FakeOrchestrator orchestrator;

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx);
    orchestrator.on(Addresses.ADMIN_TOKEN_VERIFY, m -> new JsonObject().put("id", "t1").put("name", "ops").put("role", "admin"));
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  static JsonObject event(long seq, boolean sealed) {
    return new JsonObject().put("pos", sealed ? seq - 1 : null).put("seq", seq).put("at", "2026-11-01T10:00:00.000000Z")
        .put("type", "probe").put("run_id", RUN).put("job_id", null).put("token", null)
        .put("payload", new JsonObject().put("n", seq)).put("prev_hash", sealed ? "0".repeat(64) : null)
        .put("hash", sealed ? "b".repeat(64) : null);
  }

  static JsonObject page(boolean more, JsonObject... events) {
    return new JsonObject().put("events", new JsonArray(List.of((Object[]) events))).put("more", more);
  }

  private MultiMap auth() {
    return MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + TOKEN);
  }

  @Test
  void streamsEveryPageBetweenAHeaderAndAnEndLine() {
    AtomicInteger calls = new AtomicInteger();
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> switch (calls.incrementAndGet()) {
      case 1 -> page(true, event(2, true), event(3, true)).put("head", HEAD);
      case 2 -> page(true, event(5, true), event(6, false));
      default -> page(false, event(8, false));
    });

    HubFixture.HttpReply r = f.call(HttpMethod.GET, "/admin/api/events?since=1&run=" + RUN.toUpperCase(), auth(), null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).startsWith("application/x-ndjson");
    String[] lines = r.text().split("\n");
    assertThat(lines).hasSize(7);
    assertThat(new JsonObject(lines[0])).isEqualTo(ExportLines.header(1, RUN, HEAD));
    assertThat(new JsonObject(lines[1])).isEqualTo(event(2, true));
    assertThat(new JsonObject(lines[5])).isEqualTo(event(8, false));
    assertThat(new JsonObject(lines[6])).isEqualTo(ExportLines.end(5, 3));
    // the cursor moves on page by page; every page after the first is sealed up to the head's seq
    List<JsonObject> asked = orchestrator.received(Addresses.ADMIN_EVENTS_PAGE);
    assertThat(asked).extracting(b -> b.getLong("after")).containsExactly(1L, 3L, 6L);
    assertThat(asked).extracting(b -> b.getValue("sealed_through")).containsExactly(null, 5L, 5L);
    assertThat(asked).allSatisfy(b -> assertThat(b.getString("run_id")).isEqualTo(RUN));
  }

  @Test
  void anEmptyLogIsAHeaderAndAnEndLine() {
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> page(false).put("head", null));
    HubFixture.HttpReply r = f.call(HttpMethod.GET, "/admin/api/events", auth(), null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.text()).isEqualTo(ExportLines.header(0, null, null).encode() + "\n" + ExportLines.end(0, 0).encode() + "\n");
  }

  @Test
  void needsAnAdminToken() {
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> page(false));
    HubFixture.HttpReply r = f.get("/admin/api/events");
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.error().getString("code")).isEqualTo("UNAUTHORIZED");
    assertThat(orchestrator.received(Addresses.ADMIN_EVENTS_PAGE)).isEmpty();
  }

  @Test
  void badParametersAre400NamingThem() {
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> page(false));
    for (String q : new String[] {"since=-1", "since=x", "since=1&since=2", "run=nope"}) {
      HubFixture.HttpReply r = f.call(HttpMethod.GET, "/admin/api/events?" + q, auth(), null);
      assertThat(r.status()).as(q).isEqualTo(400);
      assertThat(r.error().getString("code")).as(q).isEqualTo("INVALID_REQUEST");
      assertThat(r.error().getString("field")).as(q).isEqualTo(q.startsWith("run") ? "run" : "since");
    }
    assertThat(orchestrator.received(Addresses.ADMIN_EVENTS_PAGE)).isEmpty();
  }

  @Test
  void aFailureBeforeTheFirstLineAnswersInTheErrorContract() {
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> {
      throw new ReachException(ErrorCode.DB_UNAVAILABLE, "database unreachable (test)");
    });
    HubFixture.HttpReply r = f.call(HttpMethod.GET, "/admin/api/events", auth(), null);
    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error().getString("code")).isEqualTo("DB_UNAVAILABLE");
    assertThat(r.headers().get("Retry-After")).isNotNull();
  }

  @Test
  void aFailureMidStreamCutsTheConnectionAndNoEndLineIsWritten() {
    AtomicInteger calls = new AtomicInteger();
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> {
      if (calls.incrementAndGet() == 1) {
        return page(true, event(2, true)).put("head", HEAD);
      }
      throw new ReachException(ErrorCode.DB_UNAVAILABLE, "database unreachable (test)");
    });
    StringBuilder body = new StringBuilder();
    Promise<String> outcome = Promise.promise();
    HubFixture.await(f.client.request(f.options(HttpMethod.GET, "/admin/api/events").setHeaders(auth()))
        .compose(req -> req.send().map(resp -> {
          resp.handler(b -> body.append(b.toString()));
          resp.endHandler(v -> outcome.tryComplete("ended"));
          resp.exceptionHandler(t -> outcome.tryComplete("broken: " + t));
          return resp.statusCode();
        })));
    assertThat(HubFixture.await(outcome.future())).startsWith("broken");
    assertThat(body.toString()).contains(ExportLines.HEADER).doesNotContain(ExportLines.END);
  }

  @Test
  void aReaderThatStopsReadingHoldsUpThePagesNotTheMemory() {
    // pages of ~1 MB for ever: without backpressure the hub would buffer them all
    JsonObject big = new JsonObject().put("pad", "x".repeat(1_000));
    AtomicInteger seq = new AtomicInteger();
    orchestrator.on(Addresses.ADMIN_EVENTS_PAGE, m -> {
      JsonArray events = new JsonArray();
      for (int i = 0; i < 1_000; i++) {
        events.add(event(seq.incrementAndGet(), false).put("payload", big));
      }
      return new JsonObject().put("events", events).put("more", true).put("head", null);
    });
    Promise<HttpClientResponse> opened = Promise.promise();
    f.client.request(f.options(HttpMethod.GET, "/admin/api/events").setHeaders(auth()))
        .compose(req -> req.send().map(resp -> {
          resp.pause(); // a reader that stops reading
          return resp;
        })).onComplete(opened);
    HttpClientResponse resp = HubFixture.await(opened.future());
    assertThat(resp.statusCode()).isEqualTo(200);
    int settled = settledPageCount();
    assertThat(settled).as("pages fetched for a reader that reads nothing").isLessThan(40);
    resp.resume(); // and it goes on when the reader does
    int before = orchestrator.received(Addresses.ADMIN_EVENTS_PAGE).size();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
        .until(() -> orchestrator.received(Addresses.ADMIN_EVENTS_PAGE).size() > before + 5);
    resp.request().reset();
  }

  /** Waits until the hub stops asking for pages (the count holds for a second); returns the count. */
  private int settledPageCount() {
    int[] last = {-1};
    long[] since = {System.nanoTime()};
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
        .until(() -> {
          int n = orchestrator.received(Addresses.ADMIN_EVENTS_PAGE).size();
          if (n != last[0]) {
            last[0] = n;
            since[0] = System.nanoTime();
            return false;
          }
          return System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(1);
        });
    return last[0];
  }
}
