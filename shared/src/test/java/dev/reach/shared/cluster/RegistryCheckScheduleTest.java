package dev.reach.shared.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry guard's schedule: a check that hangs (a Hazelcast call retrying while partitions are
 * unavailable) holds one worker thread, not one per tick.
 */
class RegistryCheckScheduleTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aHangingCheckIsNeverJoinedByAnotherAndTheNextOneRunsOnceItReturns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    AtomicInteger ticksWhileHanging = new AtomicInteger();
    ClusterRegistryGuard.schedule(vertx, 10, () -> {
      if (release.getCount() > 0) {
        ticksWhileHanging.incrementAndGet();
      }
      return true;
    }, () -> {
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      started.incrementAndGet();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        concurrent.decrementAndGet();
      }
    });

    await().atMost(Duration.ofSeconds(10)).until(() -> ticksWhileHanging.get() >= 30);
    assertThat(started.get()).as("checks started while the first one hangs").isEqualTo(1);
    release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.get() >= 5);
    assertThat(maxConcurrent.get()).as("checks running at once").isEqualTo(1);
  }
}
