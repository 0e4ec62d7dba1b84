package dev.reach.shared.job;

import static dev.reach.shared.job.JobState.CANCELLED;
import static dev.reach.shared.job.JobState.FAILED;
import static dev.reach.shared.job.JobState.LEASED;
import static dev.reach.shared.job.JobState.QUARANTINED;
import static dev.reach.shared.job.JobState.QUEUED;
import static dev.reach.shared.job.JobState.RUNNING;
import static dev.reach.shared.job.JobState.SUCCEEDED;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one table of legal job transitions. Terminal states have no way out. The same table is
 * enforced by the database trigger {@code jobs_transition_guard} (see the migrations); a test
 * checks that the two agree.
 */
public final class Transitions {
  private static final Map<JobState, Set<JobState>> LEGAL = new EnumMap<>(JobState.class);

  static {
    // QUEUED -> FAILED: a job whose dependencies can never succeed (later issues) or that is refused at dispatch.
    LEGAL.put(QUEUED, EnumSet.of(LEASED, CANCELLED, FAILED));
    // LEASED -> QUEUED/QUARANTINED: the attempt was lost (expired, never received, runner restarted).
    // LEASED -> SUCCEEDED/FAILED: a completion can overtake its start report.
    LEGAL.put(LEASED, EnumSet.of(RUNNING, QUEUED, SUCCEEDED, FAILED, CANCELLED, QUARANTINED));
    // RUNNING -> QUEUED: lost attempt with budget left, or a failed attempt with max_attempts left.
    LEGAL.put(RUNNING, EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLED, QUARANTINED));
    for (JobState s : JobState.values()) {
      if (s.isTerminal()) {
        LEGAL.put(s, EnumSet.noneOf(JobState.class));
      }
    }
  }

  private Transitions() {}

  public static boolean isLegal(JobState from, JobState to) {
    return LEGAL.get(from).contains(to);
  }

  /** Throws {@link IllegalTransitionException} unless {@code from -> to} is in the table. */
  public static void check(JobState from, JobState to) {
    if (!isLegal(from, to)) {
      throw new IllegalTransitionException(from, to);
    }
  }

  public static Set<JobState> from(JobState from) {
    return Collections.unmodifiableSet(LEGAL.get(from));
  }
}
