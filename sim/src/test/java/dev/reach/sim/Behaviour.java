package dev.reach.sim;

import java.util.SplittableRandom;

/**
 * What a job's process does in a given attempt: how long it runs and how it exits. A pure function
 * of (seed, job, attempt), so it does not depend on which runner got the job or when.
 */
final class Behaviour {
  record Attempt(long durationMs, int exitCode) {}

  private Behaviour() {}

  static Attempt of(long seed, String jobName, int attempt) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ jobName.hashCode() * 31L ^ attempt * 0xBF58476D1CE4E5B9L);
    int kind = r.nextInt(20);
    long duration = kind < 7 ? 50 + r.nextInt(450)  // shorter than a heartbeat
        : kind < 16 ? 500 + r.nextInt(2_000)          // a few heartbeats
        : 2_500 + r.nextInt(3_500);                   // longer than a TTL
    int exit = r.nextInt(8) == 0 ? 1 + r.nextInt(3) : 0;
    return new Attempt(duration, exit);
  }
}
