package dev.reach.sim;

import java.util.List;

/**
 * Runs one seed: builds its world from its plan, starts the nodes, injects the faults, runs the
 * event queue until the faults are over and every job is terminal with no job process left (or
 * a bound on simulated time passes), then checks the invariants.
 */
final class SeedRun {
  /** After the last fault, this much simulated time at most for everything to settle. */
  static final long SETTLE_BOUND_MS = 600_000;
  /** How often, once the faults are over, the run looks whether it has settled. */
  static final long SETTLE_CHECK_MS = 500;

  /** What one seed did. */
  record Result(long seed, List<String> violations, Tally tally, World world) {
    boolean failed() {
      return !violations.isEmpty();
    }
  }

  private final SimEnvironment env;
  private final World world;
  private boolean settled;
  private final long roundTripsBefore;

  SeedRun(SimEnvironment env, long seed, Variant variant, SimConfig config) {
    this.env = env;
    this.world = new World(env, Plan.generate(seed), variant, config);
    this.roundTripsBefore = env.db().roundTrips();
  }

  Result run() {
    Plan plan = world.plan();
    for (SimOrchestrator o : world.orchestrators()) {
      o.boot();
    }
    for (SimRunner r : world.runners()) {
      world.scheduler().after(world.random().nextInt(1_500), r::boot);
    }
    Client client = new Client(world);
    client.boot();
    new FaultInjector(world).scheduleAll();
    long faultsOver = world.startMs() + plan.faultsEndMs();
    world.scheduler().after(SETTLE_CHECK_MS, () -> settleCheck(client, faultsOver));
    long bound = faultsOver + SETTLE_BOUND_MS;
    while (!settled && world.scheduler().now() <= bound && world.scheduler().runNext()) {
      // run the schedule
    }
    world.scheduler().clear();
    if (!settled) {
      world.trace().add("sim", "did not settle within " + SETTLE_BOUND_MS + " ms after the faults");
    }
    countRun();
    t().add("database statements (protocol)", env.db().roundTrips() - roundTripsBefore);
    List<String> violations = Invariants.check(world);
    env.gap();
    return new Result(plan.seed(), violations, world.tally(), world);
  }

  /**
   * Settled: every job terminal, no job process left, no runner holding a lease. Faults still to
   * come could change nothing then. The stores' answers tell most terminal states; what the
   * leader's reaper ended only Postgres knows, so once the faults are over it is asked.
   */
  private void settleCheck(Client client, long faultsOver) {
    boolean quiet = client.done() && !world.book().anyProcessAlive();
    for (SimRunner r : world.runners()) {
      quiet &= r.idle() || r.dead();
    }
    boolean terminal = quiet && (world.book().allTerminal()
        || (world.scheduler().now() >= faultsOver && Invariants.unfinishedJobs(world) == 0));
    if (terminal) {
      settled = true;
      world.trace().add("sim", "settled: every job terminal, no job process left");
      return;
    }
    world.scheduler().after(SETTLE_CHECK_MS, () -> settleCheck(client, faultsOver));
  }

  private Tally t() {
    return world.tally();
  }

  private void countRun() {
    Tally t = world.tally();
    t.count("seeds run");
    t.add("jobs submitted", world.plan().jobCount());
    t.add("job processes spawned", world.book().processes().size());
    t.add("completions accepted", world.book().acceptedTokens().size());
    t.add("store calls refused by a database outage", world.database().refused());
    t.add("simulated milliseconds", world.scheduler().now() - world.startMs());
  }
}
