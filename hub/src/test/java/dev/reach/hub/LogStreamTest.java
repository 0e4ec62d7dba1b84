package dev.reach.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.shared.bus.Addresses;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LogStreamTest {
  static final String LOG = "/api/v1/runs/" + RunViews.RUN_ID + "/jobs/build/log";

  private HubFixture f;
  private FakeOrchestrator orchestrator;
  private final AtomicReference<JsonObject> run = new AtomicReference<>();

  @BeforeEach
  void setUp() {
    f = HubFixture.start();
    orchestrator = new FakeOrchestrator(f.vertx).onAllAddresses().on(Addresses.GET_RUN, m -> run.get());
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void withoutFollowTheStoredChunksAreConcatenatedInOrder() {
    run.set(RunViews.run("RUNNING", "RUNNING"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 7);
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 10; i++) {
      expected.append("line ").append(i).append(" of the build\n");
    }
    store.append(expected.toString());

    HubFixture.HttpReply r = f.get(LOG);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.headers().get("X-Reach-Attempt")).isEqualTo("1");
    assertThat(r.text()).isEqualTo(expected.toString());
    assertThat(store.reads).hasSize((expected.length() + 6) / 7);
    for (int i = 0; i < store.reads.size(); i++) {
      JsonObject read = store.reads.get(i);
      assertThat(read.getLong("offset")).isEqualTo(7L * i);
      assertThat(read.getString("job_id")).isEqualTo(RunViews.JOB_ID);
      assertThat(read.getInteger("attempt")).isEqualTo(1);
      assertThat(read.getInteger("max_bytes")).isEqualTo(65536);
    }
  }

  @Test
  void followStreamsWhatIsAppendedAndEndsWhenTheLogIsSealed() {
    run.set(RunViews.run("RUNNING", "RUNNING"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16);

    StreamedBody body = HubFixture.await(StreamedBody.open(f, LOG + "?follow=true"));
    assertThat(body.response.statusCode()).isEqualTo(200);
    store.append("compiling\n");
    HubFixture.await(body.contains("compiling\n"));
    store.append("linking\n");
    HubFixture.await(body.contains("linking\n"));
    store.seal();

    assertThat(HubFixture.await(body.ended())).isEqualTo("compiling\nlinking\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> f.hub.logStreams().active() == 0);
  }

  @Test
  void followEndsWhenTheAttemptIsNoLongerLiveAndNothingNewArrives() {
    run.set(RunViews.run("RUNNING", "RUNNING"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16).append("started\n");

    StreamedBody body = HubFixture.await(StreamedBody.open(f, LOG + "?follow=true"));
    HubFixture.await(body.contains("started\n"));
    store.append("done\n");
    run.set(RunViews.run("SUCCEEDED", "SUCCEEDED")); // ended without sealing its log

    assertThat(HubFixture.await(body.ended())).isEqualTo("started\ndone\n");
  }

  @Test
  void followOnAJobNotLeasedYetWaitsForItsFirstAttempt() {
    run.set(RunViews.run("QUEUED"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16);

    StreamedBody body = HubFixture.await(StreamedBody.open(f, LOG + "?follow=true"));
    assertThat(body.response.statusCode()).isEqualTo(200);
    store.append("hello\n").seal();
    run.set(RunViews.run("RUNNING", "RUNNING"));

    assertThat(HubFixture.await(body.ended())).isEqualTo("hello\n");
  }

  @Test
  void aJobNotLeasedYetHasAnEmptyLog() {
    run.set(RunViews.run("QUEUED"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16);

    HubFixture.HttpReply r = f.get(LOG);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(r.text()).isEmpty();
    assertThat(store.reads).isEmpty();
  }

  @Test
  void anEarlierAttemptCanBeChosenAndMissingOnesAre404() {
    run.set(RunViews.run("RUNNING", "LOST", "RUNNING"));
    FakeLogStore store = FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16).append("first try\n");

    assertThat(f.get(LOG + "?attempt=1").text()).isEqualTo("first try\n");
    assertThat(f.get(LOG).text()).isEmpty(); // the latest attempt (2) has not written yet
    assertThat(store.reads.get(store.reads.size() - 1).getInteger("attempt")).isEqualTo(2);

    HubFixture.HttpReply missing = f.get(LOG + "?attempt=3");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.error().getString("code")).isEqualTo("ATTEMPT_NOT_FOUND");
    HubFixture.HttpReply bad = f.get(LOG + "?attempt=zero");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.error().getString("field")).isEqualTo("attempt");
    HubFixture.HttpReply noJob = f.get("/api/v1/runs/" + RunViews.RUN_ID + "/jobs/deploy/log");
    assertThat(noJob.status()).isEqualTo(404);
    assertThat(noJob.error().getString("code")).isEqualTo("JOB_NOT_FOUND");
  }

  @Test
  void anUnreachableArtifactStoreIs503() {
    run.set(RunViews.run("RUNNING", "RUNNING"));

    HubFixture.HttpReply r = f.get(LOG);

    assertThat(r.status()).isEqualTo(503);
    assertThat(r.error().getString("code")).isEqualTo("ARTIFACT_STORE_UNAVAILABLE");
    assertThat(r.error().getBoolean("retryable")).isTrue();
    assertThat(r.headers().get("Retry-After")).isEqualTo("1");
  }

  @Test
  void aClientThatDisconnectsStopsTheStream() {
    run.set(RunViews.run("RUNNING", "RUNNING"));
    FakeLogStore.of(f.vertx, RunViews.JOB_ID, 1, 1 << 16);

    StreamedBody body = HubFixture.await(StreamedBody.open(f, LOG + "?follow=true"));
    assertThat(f.hub.logStreams().active()).isEqualTo(1);
    HubFixture.await(body.response.request().connection().close());

    await().atMost(Duration.ofSeconds(5)).until(() -> f.hub.logStreams().active() == 0);
  }

  @Test
  void aSlowReaderGetsEveryByteWithoutTheHubReadingAhead() {
    long size = 32L * 1024 * 1024;
    run.set(RunViews.run("SUCCEEDED", "SUCCEEDED"));
    FakeLogStore store = FakeLogStore.pattern(f.vertx, RunViews.JOB_ID, 1, size);
    AtomicLong received = new AtomicLong();
    AtomicBoolean corrupt = new AtomicBoolean();

    StreamedBody body = HubFixture.await(StreamedBody.open(f, LOG, b -> {
      b.response.pause();
      b.response.handler(buf -> {
        long at = received.get();
        for (int i = 0; i < buf.length(); i++) {
          if (buf.getByte(i) != FakeLogStore.patternByte(at + i)) {
            corrupt.set(true);
          }
        }
        received.addAndGet(buf.length());
      });
      return b;
    }));

    // The stalled reader makes the stream wait for its response to drain, long before the whole
    // log is read; meanwhile the hub keeps answering other requests.
    await().atMost(Duration.ofSeconds(20))
        .until(() -> f.hub.logStreams().slowReaderWaits() > 0 || store.bytesServed.get() == size);
    assertThat(f.hub.logStreams().slowReaderWaits()).isPositive();
    assertThat(store.bytesServed.get()).isLessThan(size);
    assertThat(f.get("/api/v1/runners").status()).isEqualTo(200);

    body.response.resume();
    HubFixture.await(body.ended());
    assertThat(received.get()).isEqualTo(size);
    assertThat(corrupt.get()).isFalse();
  }
}
