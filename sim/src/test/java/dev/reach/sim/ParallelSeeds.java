package dev.reach.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a range of seeds on {@code workers} threads, each with its own database and clock and
 * running its seeds one after another (seed s goes to worker s mod workers). Seeds never share a
 * database with a seed running at the same time, so each stays a pure function of its number —
 * the split only uses the second core while one worker waits on Postgres.
 */
final class ParallelSeeds {
  private ParallelSeeds() {}

  static List<SeedBatch> run(SeedRange range, int workers, Variant variant, SimConfig config, int stopAfterFailures) {
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "sim-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<SeedBatch>> futures = new ArrayList<>();
      for (int w = 0; w < workers; w++) {
        int worker = w;
        futures.add(pool.submit(() -> {
          try (SimEnvironment env = new SimEnvironment()) {
            SeedBatch batch = new SeedBatch(env, variant, config);
            batch.runEvery(range.first() + worker, range.first() + range.count(), workers, stopAfterFailures);
            return batch;
          }
        }));
      }
      List<SeedBatch> out = new ArrayList<>();
      for (Future<SeedBatch> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("a simulation worker failed", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
