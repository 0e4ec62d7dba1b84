package dev.reach.runner.ship;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reach.runner.fakes.FakeArtifactStore;
import dev.reach.runner.retry.Backoff;
import dev.reach.runner.retry.RetryPolicy;
import dev.reach.shared.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The log shipper against a scripted artifact store: it waits out {@code 503}s while the job runs
 * (memory bounded), bounds its retries once the job has ended, and stops at once — asking for the
 * job to be killed — when the store says the attempt is stale.
 */
class LogShipperTest {
  private static final RetryPolicy FAST = new RetryPolicy(3, new Backoff(1, 20));
  private Vertx vertx;
  private FakeArtifactStore store;
  private ArtifactClient client;
  private Context context;
  private final AtomicInteger staleCalls = new AtomicInteger();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    store = FakeArtifactStore.start(vertx);
    client = new ArtifactClient(vertx, store.url(), 2_000, 4);
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void tearDown() {
    client.close().await();
    store.close();
    vertx.close().await();
  }

  private LogShipper shipper(long token) {
    return new LogShipper(context, client, "job-" + token, 1, token, 10, FAST, staleCalls::incrementAndGet);
  }

  private JsonObject finish(LogShipper shipper) throws Exception {
    CompletableFuture<JsonObject> meta = new CompletableFuture<>();
    context.runOnContext(v -> shipper.finish().onComplete(ar -> {
      if (ar.succeeded()) {
        meta.complete(ar.result());
      } else {
        meta.completeExceptionally(ar.cause());
      }
    }));
    return meta.get(20, TimeUnit.SECONDS);
  }

  private static void append(LogShipper shipper, String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    shipper.append(b, b.length);
  }

  @Test
  void aStoreAnswering503ForLongerThanTheOldFiveTriesIsWaitedOutWhileTheJobRuns() throws Exception {
    store.failNextLogAppends(12, 503, null); // a proxy's plain 503, no JSON
    LogShipper shipper = shipper(1);

    append(shipper, "first line\n");
    await().atMost(Duration.ofSeconds(20)).until(() -> store.log("job-1", 1) != null);
    append(shipper, "second line\n");
    JsonObject meta = finish(shipper);

    assertThat(store.logRequests.get()).isGreaterThan(12);
    assertThat(meta.getBoolean("missing")).isNull();
    assertThat(store.log("job-1", 1)).isEqualTo("first line\nsecond line\n");
    assertThat(store.sealed("job-1", 1)).isTrue();
    assertThat(meta.getString("sha256")).isEqualTo(FakeArtifactStore.sha256("first line\nsecond line\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(staleCalls).hasValue(0);
  }

  @Test
  void afterTheJobEndedAnOutageCostsAtMostTheConfiguredTriesThenTheLogIsMissing() throws Exception {
    store.failNextLogAppends(1_000, 503, ErrorCode.ARTIFACT_STORE_UNAVAILABLE);
    LogShipper shipper = shipper(2);
    append(shipper, "output\n");

    JsonObject meta = finish(shipper);

    assertThat(meta.getBoolean("missing")).isTrue();
    assertThat(meta.getString("reason")).startsWith("ARTIFACT_STORE_UNAVAILABLE: ");
    assertThat(store.logRequests.get()).isEqualTo(FAST.tries());
    assertThat(shipper.missing()).isTrue();
  }

  @Test
  void aStaleLeaseStopsShippingAtOnceAndAsksForTheJobToBeKilled() throws Exception {
    store.makeStale(3);
    LogShipper shipper = shipper(3);

    append(shipper, "not ours any more\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> staleCalls.get() == 1);
    int requests = store.logRequests.get();
    append(shipper, "more output is dropped\n");
    JsonObject meta = finish(shipper);

    assertThat(requests).isEqualTo(1);
    assertThat(store.logRequests.get()).as("nothing sent after the refusal").isEqualTo(1);
    assertThat(meta.getBoolean("missing")).isTrue();
    assertThat(meta.getString("reason")).startsWith("STALE_LEASE: ");
    assertThat(staleCalls).hasValue(1);
  }

  @Test
  void memoryStaysBoundedDuringAnOutageAndNothingIsLostAfterIt() throws Exception {
    store.failNextLogAppends(Integer.MAX_VALUE, 503, ErrorCode.ARTIFACT_STORE_UNAVAILABLE);
    LogShipper shipper = shipper(4);
    byte[] block = new byte[64 * 1024];
    java.util.Arrays.fill(block, (byte) 'x');
    int blocks = LogShipper.MAX_BUFFERED / block.length + 8;
    AtomicInteger appended = new AtomicInteger();
    Thread reader = new Thread(() -> {
      for (int i = 0; i < blocks; i++) {
        shipper.append(block, block.length);
        appended.incrementAndGet();
      }
    }, "fake-output-reader");
    reader.start();

    // the reader fills the buffer to its bound, then waits for the store
    await().atMost(Duration.ofSeconds(20)).until(() -> appended.get() == LogShipper.MAX_BUFFERED / block.length
        && reader.getState() == Thread.State.TIMED_WAITING);
    assertThat(appended.get()).isLessThan(blocks);

    store.failNextLogAppends(0, 503, null); // the store is back
    reader.join(20_000);
    assertThat(reader.isAlive()).isFalse();
    JsonObject meta = finish(shipper);

    assertThat(meta.getBoolean("missing")).isNull();
    assertThat(meta.getLong("size")).isEqualTo((long) blocks * block.length);
    assertThat(store.log("job-4", 1)).hasSize(blocks * block.length);
  }

  @Test
  void anAppendStoredWhoseAnswerWasLostIsNotSentTwice() throws Exception {
    store.loseNextAnswers(1);
    LogShipper shipper = shipper(5);
    append(shipper, "abc");
    // stored, but answered 503: the retry at the old offset meets LOG_OFFSET_MISMATCH and skips what the store has
    await().atMost(Duration.ofSeconds(10)).until(() -> store.logRequests.get() >= 2);
    append(shipper, "def");
    JsonObject meta = finish(shipper);

    assertThat(meta.getBoolean("missing")).isNull();
    assertThat(store.log("job-5", 1)).isEqualTo("abcdef");
    assertThat(meta.getLong("size")).isEqualTo(6);
  }
}
