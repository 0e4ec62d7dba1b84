package dev.reach.sim;

import dev.reach.orchestrator.leader.Announcer;
import dev.reach.orchestrator.leader.ExpiryGuard;
import dev.reach.orchestrator.leader.LeaderDuties;
import dev.reach.orchestrator.leader.OutageHeartbeats;
import dev.reach.orchestrator.leader.OutageState;
import dev.reach.orchestrator.store.LeaseStore;
import dev.reach.orchestrator.store.RunStore;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.ClaimResponse;
import dev.reach.shared.bus.CompletionOutcome;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.bus.StartedReport;
import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.job.JobState;
import dev.reach.shared.spec.RunSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One simulated orchestrator process. Its bus API is a thin model of {@code OrchestratorApi} (each
 * handler is one call of the real {@code LeaseStore}/{@code RunStore}); its leader duties are the
 * real {@link LeaderDuties} pass on a reaper timer, after the modelled election
 * ({@link SimLeadership}); while it believes it holds the lock it answers outage heartbeats with
 * the real {@link OutageHeartbeats#answer}. A restart is a new process with a new node id and
 * fresh outage state, expiry guard and duties.
 */
final class SimOrchestrator extends SimNode {
  private boolean believesLock;
  private int freezes;
  private OutageState outage;
  private ExpiryGuard guard;
  private LeaderDuties duties;
  private OutageHeartbeats outageHeartbeats;
  private SimLeadership leadership;

  SimOrchestrator(int index, World world) {
    super("o" + index, world);
  }

  boolean believesLock() {
    return believesLock;
  }

  void believesLock(boolean b) {
    believesLock = b;
  }

  @Override
  void onBoot() {
    believesLock = false;
    SimConfig c = world.config();
    String nodeId = world.prefix() + name + "." + boots();
    outage = new OutageState(world.clock().asClock(), SimConfig.RIDE_THROUGH_MS);
    guard = new ExpiryGuard(SimConfig.MASS_EXPIRY_SHARE, SimConfig.MASS_EXPIRY_MIN, SimConfig.CLOCK_JUMP_MS,
        SimConfig.GRACE_MS);
    leadership = new SimLeadership(this, world.lock(), world.leaderStore(), nodeId, SimConfig.GRACE_MS, world.trace());
    Announcer announcer = new NodeAnnouncer();
    duties = new LeaderDuties(world.leases(), world.leaderStore(), outage, guard, SimConfig.GRACE_MS, world.clock()::ms,
        announcer, leadership::deposed);
    leadership.duties(duties);
    outageHeartbeats = new OutageHeartbeats(world.leases(), outage, announcer);
    world.trace().add(name, "started (process " + boots() + ")");
    timer(world.random().nextInt((int) c.reaperMs()), this::tick);
  }

  @Override
  void onFreeze() {
    int episode = ++freezes;
    int gen = generation();
    world.scheduler().after(SimConfig.MEMBER_TIMEOUT_MS, () -> {
      if (status() == Status.FROZEN && freezes == episode && generation() == gen) {
        world.lock().memberLost(this, gen);
      }
    });
  }

  @Override
  void onKill() {
    int gen = generation() - 1;
    world.scheduler().after(SimConfig.MEMBER_KILLED_DETECT_MS, () -> world.lock().memberLost(this, gen));
  }

  /** Orderly stop ({@code OrchestratorService.stop}): the leader steps down (releasing the lock), then the process ends. */
  void stopInOrder() {
    if (up() && leadership != null) {
      leadership.stepDown();
      world.trace().add(name, "stepped down and stopped");
    }
    believesLock = false;
    kill();
  }

  /** One reaper-interval tick of {@code LeaderVerticle}: ensure leadership, then one real pass. */
  private <T> Outcome<T> counted(String what, java.util.function.Supplier<io.vertx.core.Future<T>> call) {
    long before = world.env().db().roundTrips();
    Outcome<T> out = Outcome.of(call);
    world.tally().add("database statements: " + what, world.env().db().roundTrips() - before);
    return out;
  }

  private void tick() {
    long before = world.env().db().roundTrips();
    try {
      leaderTick();
    } finally {
      world.tally().add("database statements: leader tick", world.env().db().roundTrips() - before);
    }
  }

  private void leaderTick() {
    Outcome<Long> elected = leadership.ensure();
    Outcome<Integer> pass;
    if (!elected.ok()) {
      pass = Outcome.fail(elected.error());
    } else if (elected.value() == null) {
      pass = Outcome.ok(0);
    } else {
      long epoch = elected.value();
      if (world.database().down() && duties.reconcilePending() && !outage.graceNeeded()) {
        throw new IllegalStateException("simulation bug: a reconcile would read Postgres during a simulated outage");
      }
      boolean graceDue = outage.graceNeeded();
      String why = outage.graceReason();
      String alert = guard.detail();
      pass = Outcome.of(() -> duties.pass(epoch));
      if (pass.ok() && graceDue && !outage.graceNeeded()) {
        world.trace().add(name, "committed a grace (" + why + ") before expiring anything");
      }
      if (!guard.detail().equals(alert)) {
        world.trace().add(name, "ALERT, graced instead of expiring: " + guard.detail());
        world.tally().count("leader alerts (mass expiry or clock jump) answered with a grace");
      }
    }
    if (!pass.ok()) {
      duties.failed(pass.error());
      if (elected.ok() && elected.value() != null) {
        world.trace().add(name, "leader pass failed: " + pass.code());
      }
    }
    timer(pass.ok() && pass.value() >= LeaderDuties.BATCH ? 1 : world.config().reaperMs(), this::tick);
  }

  // ---- the bus API (a model of OrchestratorApi: one real store call per request) ----

  Outcome<ClaimResponse> claim(ClaimRequest req) {
    Outcome<List<Lease>> out = counted("claim", () -> world.leases().claim(req));
    if (out.ok()) {
      List<String> got = new ArrayList<>();
      for (Lease l : out.value()) {
        world.book().leased(l);
        got.add(world.book().label(l.token()));
      }
      if (got.isEmpty()) {
        world.tally().count("claims answered with no lease");
      } else {
        world.trace().add(name, "claim " + req.incarnation().substring(world.prefix().length()) + ":" + req.claimSeq()
            + " granted " + got);
      }
    }
    return out.map(list -> new ClaimResponse(list, world.leases().ttlMs()));
  }

  Outcome<HeartbeatAck> heartbeat(Heartbeat hb) {
    Outcome<LeaseStore.Renewal> out = counted("heartbeat", () -> world.leases().heartbeat(hb));
    if (out.ok() && !out.value().released().isEmpty()) {
      List<String> released = new ArrayList<>();
      for (Long t : out.value().released()) {
        world.book().state(world.book().jobOf(t), JobState.QUEUED);
        released.add(world.book().label(t));
      }
      world.trace().add(name, "heartbeat released never-received lease(s) " + released);
      world.tally().add("leases released as never received", released.size());
      new NodeAnnouncer().workAvailable();
    }
    return out.map(r -> new HeartbeatAck(r.renewed(), world.leases().ttlMs()));
  }

  Outcome<Void> started(StartedReport report) {
    Outcome<Void> out = counted("started", () -> world.leases().started(UUID.fromString(report.jobId()), report.token(),
        report.spawnedAtMs()));
    if (out.code() == ErrorCode.STALE_LEASE) {
      world.tally().count("stale start reports refused");
    }
    return out;
  }

  Outcome<CompletionOutcome> complete(CompletionReport report) {
    Outcome<LeaseStore.Completion> out = counted("complete", () -> world.leases().complete(report));
    String label = world.book().label(report.token());
    if (out.ok() && out.value().outcome() == CompletionOutcome.ACCEPTED) {
      world.book().accepted(report.token());
      world.book().state(world.book().jobOf(report.token()), JobState.valueOf(out.value().newState()));
      world.trace().add(name, "completion of " + label + " (" + report.reason().wire()
          + (report.exitCode() == null ? "" : " " + report.exitCode()) + ") accepted: job " + out.value().newState());
      if (JobState.QUEUED.name().equals(out.value().newState())) {
        new NodeAnnouncer().workAvailable();
      }
    } else if (out.ok()) {
      world.tally().count("duplicate completions answered ALREADY_ACCEPTED");
    } else if (out.code() == ErrorCode.STALE_LEASE) {
      world.tally().count("stale completions refused");
      world.trace().add(name, "completion of " + label + " (" + report.reason().wire() + ") refused: stale");
    }
    return out.map(LeaseStore.Completion::outcome);
  }

  Outcome<Integer> runnerRestarted(RunnerRestarted report) {
    Outcome<List<LeaseStore.Expired>> out = counted("runner restarted", () -> world.leases().expireOtherIncarnations(report.runnerId(),
        report.incarnation()));
    if (out.ok() && !out.value().isEmpty()) {
      List<Long> tokens = new ArrayList<>();
      List<String> labels = new ArrayList<>();
      for (LeaseStore.Expired e : out.value()) {
        tokens.add(e.token());
        labels.add(world.book().label(e.token()));
        world.book().state(world.book().jobOf(e.token()), JobState.valueOf(e.newState()));
      }
      world.trace().add(name, "restart of " + report.incarnation().substring(world.prefix().length())
          + " expired earlier incarnations' leases " + labels);
      NodeAnnouncer a = new NodeAnnouncer();
      a.killAttempts(tokens);
      a.workAvailable();
    }
    return out.map(List::size);
  }

  /** The outage-heartbeat consumer is registered only while this node believes it holds the leader lock. */
  Outcome<HeartbeatAck> outageHeartbeat(Heartbeat hb) {
    if (!believesLock) {
      return Outcome.fail(ErrorCode.ORCHESTRATOR_UNAVAILABLE, "no outage-heartbeat handler here any more");
    }
    Outcome<HeartbeatAck> out = counted("outage heartbeat", () -> outageHeartbeats.answer(hb));
    if (out.ok() && out.value().extension()) {
      world.tally().count("outage extensions granted by the leader");
      world.trace().add(name, "outage extension for " + labels(hb.heldTokens()) + " (" + out.value().outageRemainingMs()
          + " ms of ride-through left)");
    } else if (out.code() == ErrorCode.OUTAGE_CAP_REACHED) {
      world.tally().count("outage extensions refused (cap reached)");
    }
    return out;
  }

  Outcome<RunStore.Submitted> submit(int runIndex, RunSpec spec, String key) {
    Outcome<RunStore.Submitted> out = counted("submit", () -> world.runs().submit(spec, key));
    if (out.ok()) {
      world.book().runCreated(runIndex, out.value().id());
      if (out.value().created()) {
        world.trace().add(name, "run " + runIndex + " submitted (" + spec.jobs().size() + " job(s))");
        new NodeAnnouncer().workAvailable();
      }
    }
    return out;
  }

  private List<String> labels(List<Long> tokens) {
    List<String> out = new ArrayList<>();
    tokens.forEach(t -> out.add(world.book().label(t)));
    return out;
  }

  /** Publishes to every runner over the simulated network (each copy may be lost, delayed, duplicated). */
  private final class NodeAnnouncer implements Announcer {
    @Override
    public void killAttempts(List<Long> tokens) {
      List<Long> copy = List.copyOf(tokens);
      world.trace().add(name, "announces kill of " + labels(copy));
      for (SimRunner r : world.runners()) {
        world.network().send(SimOrchestrator.this, r, "kill " + labels(copy), () -> r.onKillAnnounced(copy));
      }
    }

    @Override
    public void workAvailable() {
      for (SimRunner r : world.runners()) {
        world.network().send(SimOrchestrator.this, r, "work available", r::claim);
      }
    }
  }
}
