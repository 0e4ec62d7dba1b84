package dev.reach.sim;

import dev.reach.runner.process.LeaseDeadline;
import dev.reach.shared.bus.ClaimRequest;
import dev.reach.shared.bus.CompletionReport;
import dev.reach.shared.bus.Heartbeat;
import dev.reach.shared.bus.HeartbeatAck;
import dev.reach.shared.bus.Lease;
import dev.reach.shared.bus.RunnerRestarted;
import dev.reach.shared.error.ErrorCode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A model of the runner's protocol ({@code RunnerVerticle}, {@code CompletionDelivery},
 * {@code RestartAnnouncement}): at start it re-sends journaled completions and reports its restart
 * (old incarnations' leases expire), then claims for its free slots (a retried claim keeps its
 * request id), heartbeats every held token with its settled claim seq at a third of the TTL, hands
 * each committed renewal to the watchers ({@link LeaseDeadline}, the real one), kills jobs whose
 * lease was not renewed or whose kill was announced, and while the database is down asks the
 * lock holder for outage extensions, taking them only within the ride-through cap. Its completion
 * journal survives a kill; everything else dies with the process.
 */
final class SimRunner extends SimNode {
  private static final RetryBackoff COMPLETION_BACKOFF = new RetryBackoff(100, 5_000);
  private static final RetryBackoff RESTART_BACKOFF = new RetryBackoff(200, 2_000);

  private final String runnerId;
  private final int slots;
  private final List<String> labels;
  private final Map<Long, CompletionReport> journal = new LinkedHashMap<>();
  private final List<SimExecution> everRun = new ArrayList<>();
  private int incarnations;
  private String incarnation;
  private Map<Long, SimExecution> held;
  private Set<Long> running;
  private long claimSeq;
  private long settledClaimSeq;
  private boolean claiming;
  private boolean claimAgain;
  private boolean heartbeating;
  private boolean ready;
  private boolean registered;
  private boolean claimUnanswered;
  private RideThrough ride;
  private long armedFreezeMs = -1;

  SimRunner(int index, int slots, String label, World world) {
    super("r" + index, world);
    this.runnerId = world.prefix() + "r" + index;
    this.slots = slots;
    this.labels = List.of(label);
  }

  String runnerId() {
    return runnerId;
  }

  /** Holds no lease and runs nothing. */
  boolean idle() {
    return held == null || held.isEmpty();
  }

  void deliverTo(int generation, Runnable action) {
    if (generation == generation()) {
      deliver(action);
    }
  }

  @Override
  void onBoot() {
    incarnation = runnerId + ".i" + (++incarnations);
    held = new LinkedHashMap<>();
    running = new LinkedHashSet<>();
    claimSeq = 0;
    settledClaimSeq = 0;
    claiming = false;
    claimAgain = false;
    heartbeating = false;
    ready = false;
    registered = false;
    claimUnanswered = false;
    ride = new RideThrough(world.clock());
    for (SimExecution e : everRun) {
      e.sweep();
    }
    world.trace().add(name, "started as incarnation i" + incarnations + (journal.isEmpty() ? "" : ", " + journal.size()
        + " journaled completion(s) to re-send"));
    replayJournal();
  }

  @Override
  void onKill() {
    world.trace().add(name, "killed");
    for (SimExecution e : everRun) {
      e.runnerDied();
    }
  }

  /** Freeze for {@code durationMs} right after the next request this runner sends. */
  void armFreeze(long durationMs) {
    armedFreezeMs = durationMs;
  }

  @Override
  void requestSent() {
    if (armedFreezeMs >= 0) {
      long d = armedFreezeMs;
      armedFreezeMs = -1;
      world.trace().add(name, "frozen with a request in flight, for " + d + " ms");
      freeze();
      world.scheduler().after(d, this::thaw);
    }
  }

  // ---- start-up: journaled completions, then the restart report, then work ----

  private void replayJournal() {
    if (journal.isEmpty()) {
      announceRestart(1);
      return;
    }
    boolean[] goneOn = {false};
    Runnable goOn = () -> {
      if (!goneOn[0]) {
        goneOn[0] = true;
        announceRestart(1);
      }
    };
    int[] pending = {journal.size()};
    for (CompletionReport report : new ArrayList<>(journal.values())) {
      sendCompletion(report, 1, () -> {
        if (--pending[0] == 0) {
          goOn.run();
        }
      });
    }
    timer(SimConfig.JOURNAL_REPLAY_WAIT_MS, goOn);
  }

  private void announceRestart(int tryNo) {
    RunnerRestarted report = new RunnerRestarted(runnerId, incarnation, List.of(), 0, incarnations > 1);
    world.rpc().call(this, world.anyOrchestrator(), "restart report", o -> o.runnerRestarted(report),
        SimConfig.REQUEST_TIMEOUT_MS, out -> {
          if (!out.ok() && out.error().retryable() && tryNo < SimConfig.RESTART_REPORT_TRIES) {
            timer(RESTART_BACKOFF.delay(tryNo, world.random()), () -> announceRestart(tryNo + 1));
            return;
          }
          goReady();
        });
  }

  private void goReady() {
    ready = true;
    heartbeatTimer();
    pollTimer();
    heartbeat();
    claim();
  }

  private void heartbeatTimer() {
    timer(SimConfig.HEARTBEAT_MS, () -> {
      heartbeat();
      heartbeatTimer();
    });
  }

  private void pollTimer() {
    timer(SimConfig.RUNNER_POLL_MS, () -> {
      claim();
      pollTimer();
    });
  }

  // ---- claims ----

  private int freeSlots() {
    return slots - running.size();
  }

  void claim() {
    if (!ready || freeSlots() <= 0) {
      return;
    }
    if (claiming) {
      claimAgain = true;
      return;
    }
    claiming = true;
    claimAgain = false;
    long seq = ++claimSeq;
    sendClaim(new ClaimRequest(runnerId, incarnation, seq, freeSlots(), labels), 1, world.clock().centis());
  }

  /** As the runner: deadlines count from the first try (a retry returns what the first committed). */
  private void sendClaim(ClaimRequest req, int tryNo, long sentAt) {
    world.rpc().call(this, world.anyOrchestrator(), "claim " + req.claimSeq() + " try " + tryNo, o -> o.claim(req),
        SimConfig.REQUEST_TIMEOUT_MS, out -> {
          if (!out.ok()) {
            claimUnanswered = true; // this try may still be served, late: only heartbeats release what it grants
            if (out.error().retryable() && tryNo < SimConfig.CLAIM_TRIES) {
              timer(100L * tryNo, () -> sendClaim(req, tryNo + 1, sentAt));
              return;
            }
            claimDone(req.claimSeq(), false);
            return;
          }
          List<Lease> leases = new ArrayList<>(out.value().leases());
          leases.sort(Comparator.comparingLong(Lease::token));
          if (!leases.isEmpty()) {
            ride.committed(sentAt);
          }
          long deadline = LeaseDeadline.of(sentAt, out.value().ttlMs(), SimConfig.KILL_MARGIN_MS);
          for (Lease lease : leases) {
            if (held.containsKey(lease.token())) {
              continue;
            }
            if (world.config().refuseExpiredLeases() && deadline * 10 <= world.clock().ms()) {
              world.trace().add(name, "does not start " + world.book().label(lease.token()) + ": its deadline passed "
                  + (world.clock().ms() - deadline * 10) + " ms ago");
              world.tally().count("leases not started: deadline passed before the claim answer was handled");
              continue;
            }
            SimExecution e = new SimExecution(world, this, lease);
            held.put(lease.token(), e);
            running.add(lease.token());
            everRun.add(e);
            e.start(deadline);
          }
          claimDone(req.claimSeq(), leases.size() >= req.slots());
        });
  }

  private void claimDone(long seq, boolean full) {
    settledClaimSeq = seq;
    claiming = false;
    if (claimAgain || full) {
      claim();
    }
  }

  // ---- heartbeats, renewals, outage extensions ----

  private void heartbeat() {
    if (!ready || heartbeating) {
      return;
    }
    if (held.isEmpty() && registered && !claimUnanswered) {
      // The real runner sends it anyway. With nothing held, and every claim of this incarnation
      // answered (so every lease granted to it is held or settled), it could renew or release nothing.
      world.tally().count("idle heartbeats skipped (nothing to renew or release)");
      return;
    }
    heartbeating = true;
    List<Long> tokens = new ArrayList<>(held.keySet());
    long sentAt = world.clock().centis();
    Heartbeat hb = new Heartbeat(runnerId, incarnation, slots, labels, settledClaimSeq, tokens);
    world.rpc().call(this, world.anyOrchestrator(), "heartbeat", o -> o.heartbeat(hb), SimConfig.REQUEST_TIMEOUT_MS, out -> {
      if (out.ok()) {
        heartbeating = false;
        renewed(hb, sentAt, out.value());
        return;
      }
      if (out.code() == ErrorCode.DB_UNAVAILABLE || out.code() == ErrorCode.DB_CIRCUIT_OPEN) {
        askForExtension(hb);
        return;
      }
      heartbeating = false;
    });
  }

  private void renewed(Heartbeat hb, long sentAt, HeartbeatAck ack) {
    ride.committed(sentAt);
    registered = true;
    long deadline = LeaseDeadline.of(sentAt, ack.ttlMs(), SimConfig.KILL_MARGIN_MS);
    Set<Long> renewed = new HashSet<>(ack.renewed());
    for (Long token : hb.heldTokens()) {
      SimExecution e = held.get(token);
      if (e == null) {
        continue;
      }
      if (renewed.contains(token)) {
        e.extendLease(deadline);
      } else if (running.contains(token)) {
        e.kill("its lease was not renewed");
      }
    }
  }

  private void askForExtension(Heartbeat hb) {
    long sentAt = world.clock().centis();
    world.rpc().call(this, world.lockBeliever(), "outage heartbeat", o -> o.outageHeartbeat(hb),
        SimConfig.REQUEST_TIMEOUT_MS, out -> {
          heartbeating = false;
          if (!out.ok()) {
            return;
          }
          HeartbeatAck ack = out.value();
          if (!ack.extension()) {
            renewed(hb, sentAt, ack);
            return;
          }
          OptionalLong deadline = ride.extension(sentAt, ack.ttlMs());
          if (deadline.isEmpty()) {
            world.tally().count("outage extensions not taken by a runner (its cap passed)");
            return;
          }
          if (ride.startRiding()) {
            world.trace().add(name, "riding through the outage on extensions");
          }
          Set<Long> listed = new HashSet<>(ack.renewed());
          for (Long token : hb.heldTokens()) {
            SimExecution e = held.get(token);
            if (e != null && listed.contains(token)) {
              e.extendLease(deadline.getAsLong());
            }
          }
        });
  }

  void onKillAnnounced(List<Long> tokens) {
    for (Long t : tokens) {
      SimExecution e = held == null ? null : held.get(t);
      if (e != null && running.contains(t)) {
        e.kill("its kill was announced");
      }
    }
  }

  // ---- executions and completions ----

  void slotFreed(SimExecution e) {
    running.remove(e.token());
    claim();
  }

  void settled(SimExecution e) {
    held.remove(e.token());
  }

  /** Journals the completion (it survives a kill), then sends it until it is answered. */
  void deliverCompletion(CompletionReport report, Runnable settled) {
    journal.put(report.token(), report);
    sendCompletion(report, 1, settled);
  }

  private void sendCompletion(CompletionReport report, int tryNo, Runnable settled) {
    String what = "completion of " + world.book().label(report.token()) + " try " + tryNo;
    world.rpc().call(this, world.anyOrchestrator(), what, o -> o.complete(report), SimConfig.REQUEST_TIMEOUT_MS, out -> {
      boolean retry = !out.ok() && out.code() != ErrorCode.STALE_LEASE
          && (out.error().retryable() || (out.code() == ErrorCode.INTERNAL && tryNo < 8));
      if (retry) {
        timer(COMPLETION_BACKOFF.delay(tryNo, world.random()), () -> sendCompletion(report, tryNo + 1, settled));
        return;
      }
      journal.remove(report.token());
      settled.run();
    });
  }
}
