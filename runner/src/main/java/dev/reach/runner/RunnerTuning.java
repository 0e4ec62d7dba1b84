package dev.reach.runner;

import dev.reach.runner.disk.DiskGuard;
import dev.reach.runner.retry.Backoff;
import dev.reach.runner.retry.RetryPolicy;

/**
 * The runner's internal timings that are not {@code REACH_*} settings: fixed in production
 * ({@link #defaults()}), shortened or replaced by tests.
 *
 * @param freeSpace how free disk is measured ({@code null}: the state directory's file system)
 * @param diskCheckMs how often free disk is measured
 * @param completionBackoff waits between tries of a completion (tried until answered)
 * @param drainFlushMs after the drain timeout: how long the killed jobs' completions get to be delivered
 * @param journalReplayWaitMs at start: how long journaled completions may hold up the first claim
 * @param restartRetry how often the start-up sweep report is tried before the runner goes on without an answer
 */
record RunnerTuning(
    DiskGuard.FreeSpace freeSpace, long diskCheckMs, Backoff completionBackoff, long drainFlushMs, long journalReplayWaitMs,
    RetryPolicy restartRetry) {

  static RunnerTuning defaults() {
    return new RunnerTuning(null, 5_000, new Backoff(100, 5_000), 6_000, 10_000, new RetryPolicy(5, new Backoff(200, 2_000)));
  }

  RunnerTuning withFreeSpace(DiskGuard.FreeSpace free, long checkMs) {
    return new RunnerTuning(free, checkMs, completionBackoff, drainFlushMs, journalReplayWaitMs, restartRetry);
  }

  RunnerTuning withCompletionBackoff(Backoff backoff) {
    return new RunnerTuning(freeSpace, diskCheckMs, backoff, drainFlushMs, journalReplayWaitMs, restartRetry);
  }

  RunnerTuning withRestartRetry(RetryPolicy retry) {
    return new RunnerTuning(freeSpace, diskCheckMs, completionBackoff, drainFlushMs, journalReplayWaitMs, retry);
  }
}
