package dev.reach.sim;

import dev.reach.orchestrator.store.LeaderStore;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.shared.spec.RunSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * One seed's simulated world: its clock (shared, monotonic across seeds), event queue, trace,
 * network, database switch, leader lock, nodes and book, and the real stores every orchestrator
 * uses on the one shared database. Names in the database carry a per-run prefix and the seed's
 * label, so no seed can see another's runners or claim another's jobs.
 */
final class World {
  private final SimEnvironment env;
  private final Plan plan;
  private final Variant variant;
  private final SimConfig config;
  private final String prefix;
  private final String label;
  private final long startMs;
  private final Scheduler scheduler;
  private final Trace trace;
  private final Random random;
  private final Tally tally = new Tally();
  private final Network network;
  private final Rpc rpc;
  private final DatabaseSwitch database = new DatabaseSwitch();
  private final LockToken lock;
  private final JobBook book;
  private final LeaseStore leases;
  private final LeaderStore leaderStore;
  private final RunStore runs;
  private final List<SimOrchestrator> orchestrators = new ArrayList<>();
  private final List<SimRunner> runners = new ArrayList<>();
  private final List<RunSpec> specs = new ArrayList<>();

  World(SimEnvironment env, Plan plan, Variant variant, SimConfig config) {
    this.env = env;
    this.plan = plan;
    this.variant = variant;
    this.config = config;
    int run = env.nextRunNumber();
    this.prefix = "x" + run + ".";
    this.label = "sim-" + plan.seed() + "-x" + run;
    this.startMs = env.clock().ms();
    this.scheduler = new Scheduler(env.clock());
    this.trace = new Trace(env.clock());
    this.random = new Random(plan.seed() ^ 0x5DEECE66DL);
    this.network = new Network(this, random);
    this.rpc = new Rpc(network);
    this.lock = new LockToken(trace);
    this.book = new JobBook(plan);
    SimDbNow now = new SimDbNow(env.clock(), database);
    this.leases = new LeaseStore(env.db(), now, SimConfig.TTL_MS);
    this.leaderStore = new LeaderStore(env.db(), now);
    this.runs = new RunStore(env.db(), now);
    for (Plan.RunPlan r : plan.runs()) {
      specs.add(spec(r));
    }
    for (int i = 0; i < Plan.ORCHESTRATORS; i++) {
      orchestrators.add(new SimOrchestrator(i, this));
    }
    for (int i = 0; i < plan.runnerSlots().length; i++) {
      runners.add(new SimRunner(i, plan.runnerSlots()[i], label, this));
    }
  }

  private RunSpec spec(Plan.RunPlan run) {
    JsonArray jobs = new JsonArray();
    for (Plan.JobPlan j : run.jobs()) {
      jobs.add(new JsonObject().put("name", j.name()).put("command", "true").put("labels", new JsonArray().add(label))
          .put("max_attempts", j.maxAttempts()).put("max_lost_attempts", j.maxLostAttempts()));
    }
    return RunSpec.parse(new JsonObject().put("name", label + "-run" + run.index()).put("jobs", jobs));
  }

  /** A random orchestrator that is not dead (the bus round-robins over the registered consumers), or null. */
  SimOrchestrator anyOrchestrator() {
    List<SimOrchestrator> live = new ArrayList<>();
    for (SimOrchestrator o : orchestrators) {
      if (!o.dead()) {
        live.add(o);
      }
    }
    return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
  }

  /** A node that registered the outage-heartbeat consumer (it believes it holds the lock), or null. */
  SimOrchestrator lockBeliever() {
    List<SimOrchestrator> live = new ArrayList<>();
    for (SimOrchestrator o : orchestrators) {
      if (!o.dead() && o.believesLock()) {
        live.add(o);
      }
    }
    return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
  }

  Plan plan() {
    return plan;
  }

  Variant variant() {
    return variant;
  }

  SimConfig config() {
    return config;
  }

  String prefix() {
    return prefix;
  }

  long startMs() {
    return startMs;
  }

  SimClock clock() {
    return env.clock();
  }

  SimEnvironment env() {
    return env;
  }

  Scheduler scheduler() {
    return scheduler;
  }

  Trace trace() {
    return trace;
  }

  Random random() {
    return random;
  }

  Tally tally() {
    return tally;
  }

  Network network() {
    return network;
  }

  Rpc rpc() {
    return rpc;
  }

  DatabaseSwitch database() {
    return database;
  }

  LockToken lock() {
    return lock;
  }

  JobBook book() {
    return book;
  }

  LeaseStore leases() {
    return leases;
  }

  LeaderStore leaderStore() {
    return leaderStore;
  }

  RunStore runs() {
    return runs;
  }

  RunSpec spec(int runIndex) {
    return specs.get(runIndex);
  }

  List<SimOrchestrator> orchestrators() {
    return orchestrators;
  }

  List<SimRunner> runners() {
    return runners;
  }
}
