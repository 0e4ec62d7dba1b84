package dev.reach.runner.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The memory watch: fires once on the first sample over the limit, keeps the peak, stops sampling. */
class MemoryWatchTest {
  private static final long LIMIT = 1000;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  private static MemoryWatch.Probe scripted(AtomicLong bytes) {
    return () -> new MemoryWatch.Sample(bytes.get(), bytes.get() > LIMIT);
  }

  @Test
  void firesOnceOnTheFirstSampleOverTheLimitAndKeepsThePeak() {
    AtomicLong bytes = new AtomicLong(400);
    AtomicInteger fired = new AtomicInteger();
    MemoryWatch w = new MemoryWatch(scripted(bytes), fired::incrementAndGet);

    w.sampleNow();
    bytes.set(1000); // at the limit is not over it
    w.sampleNow();
    assertThat(fired).hasValue(0);
    assertThat(w.exceeded()).isFalse();

    bytes.set(1500);
    w.sampleNow();
    bytes.set(1800);
    w.sampleNow();
    bytes.set(10);
    w.sampleNow();
    assertThat(fired).hasValue(1);
    assertThat(w.exceeded()).isTrue();
    assertThat(w.peakBytes()).isEqualTo(1800);
  }

  @Test
  void aSampleAfterStopRecordsTheExcessWithoutKilling() {
    AtomicLong bytes = new AtomicLong(5000);
    AtomicInteger fired = new AtomicInteger();
    MemoryWatch w = new MemoryWatch(scripted(bytes), fired::incrementAndGet);
    w.stop();
    w.sampleNow(); // the last look at a cgroup after the job ended
    assertThat(w.exceeded()).isTrue();
    assertThat(fired).hasValue(0);
  }

  @Test
  void samplesOnItsSchedulerUntilOverThenStops() {
    List<Long> script = List.of(100L, 200L, 300L, 2000L);
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger fired = new AtomicInteger();
    MemoryWatch w = new MemoryWatch(() -> {
      long b = script.get(Math.min(calls.getAndIncrement(), script.size() - 1));
      return new MemoryWatch.Sample(b, b > LIMIT);
    }, fired::incrementAndGet);

    w.start(scheduler, 5);

    await().atMost(Duration.ofSeconds(5)).until(() -> fired.get() == 1);
    int callsAtFire = calls.get();
    assertThat(callsAtFire).isEqualTo(4);
    // no further sampling once fired: the scheduled task was cancelled
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> calls.get() == callsAtFire);
    assertThat(w.peakBytes()).isEqualTo(2000);
  }
}
