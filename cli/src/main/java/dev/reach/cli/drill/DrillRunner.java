package dev.reach.cli.drill;

import dev.reach.cli.ApiClient.ApiException;
import dev.reach.cli.CliException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one failover drill against a live cluster: submits a workload of {@link ProbeJob}s, injects the
 * scenario's fault through the {@link FaultInjector}, waits for recovery, then checks the invariants —
 * every accepted submission there and every job terminal with one accepted completion ({@link Outcome}),
 * no two attempts of a job at once ({@link StampCheck}), the event log verifying ({@link AuditCheck}) —
 * and reports recovery times and a verdict. Its own steps go to the event log as {@code drill_*} events.
 */
public final class DrillRunner {
  /** What to run: the scenario, how many jobs, how long a fault lasts, how long recovery may take. */
  public record Settings(Scenario scenario, int jobs, Duration faultTime, Duration recoveryTimeout, long seed) {}

  private static final Duration HEALTHY_TIMEOUT = Duration.ofMinutes(3);
  private static final String POISON = "poison";

  private final HubClient hub;
  private final FaultInjector faults;
  private final Target target;
  private final PrintStream progress;
  private DrillReport report;
  private String drillId;
  private Scenario scenario;
  /** Drill steps not yet in the event log (the database or hub was away when they happened). */
  private final List<JsonObject> pending = new ArrayList<>();
  /** True while the drill holds the database down: steps wait without a try that could only time out. */
  private boolean databaseHeld;

  /** What the db-restore scenario needs: the database, where backups go, the PostgreSQL client tools. */
  public record Database(dev.reach.shared.config.DbUrl url, java.nio.file.Path backupDir,
      dev.reach.cli.backup.PgTools tools) {}

  private Database database;
  /** db-restore: the backup's snapshot time (epoch ms); attempts granted after it were erased by the restore. */
  private long restorePointMs = Long.MAX_VALUE;

  /** Gives the drill the database (the db-restore scenario backs it up, destroys and restores it). */
  public DrillRunner withDatabase(Database d) {
    this.database = d;
    return this;
  }

  public DrillRunner(dev.reach.cli.ApiClient api, Map<String, String> adminHeaders, FaultInjector faults, Target target,
      PrintStream progress) {
    this.hub = new HubClient(api, adminHeaders);
    this.faults = faults;
    this.target = target;
    this.progress = progress;
  }

  public DrillReport run(Settings s) throws InterruptedException {
    if (!s.scenario().targets().contains(target)) {
      throw new DrillException("scenario " + s.scenario().label() + " cannot run on target " + target.label()
          + " (it can on: " + s.scenario().targets().stream().map(Target::label).toList() + ")");
    }
    preflight(s.scenario());
    long t0 = System.currentTimeMillis();
    scenario = s.scenario();
    drillId = "drill-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    report = new DrillReport(drillId, s.scenario(), faults.describe(), t0);
    record("drill_started", new JsonObject().put("jobs", s.jobs()).put("fault_ms", s.faultTime().toMillis()));
    step("started: " + s.jobs() + " jobs, fault time " + s.faultTime().toSeconds() + " s, on " + faults.describe());
    DrillWorkload workload = new DrillWorkload(hub, drillId, faults.jobDir(), s.seed());

    long faultAt = switch (s.scenario()) {
      case RUNNER_CRASH -> runnerCrash(workload, s);
      case LEADER_CRASH -> leaderCrash(workload, s);
      case DB_OUTAGE -> databaseOutage(workload, s);
      case ARTIFACT_STORE_OUTAGE -> artifactStoreOutage(workload, s);
      case NETWORK_PARTITION -> networkPartition(workload, s);
      case ROLLING_RESTART -> rollingRestart(workload, s);
      case POISON_PILL -> poisonPill(workload, s);
      case DB_RESTORE -> databaseRestore(workload, s);
    };

    List<JsonObject> runs = workload.awaitTerminal(s.recoveryTimeout());
    step(DrillWorkload.allTerminal(runs) ? "every job terminal"
        : "recovery timeout (" + s.recoveryTimeout().toSeconds() + " s) with jobs not terminal");
    String poisonJob = s.scenario() == Scenario.POISON_PILL ? POISON : null;
    Outcome outcome = Outcome.of(runs, workload, poisonJob, faultAt);
    outcome.checks.forEach(report::check);
    report.check(StampCheck.check(faults.readStamps(workload.stampPrefix()), runs, workload, poisonJob, restorePointMs));
    flushEvents(true);
    AuditCheck.check(hub, drillId).forEach(report::check);
    if (s.scenario() == Scenario.DB_RESTORE) {
      projectionsEqualReplay();
    }

    report.figure("jobs", outcome.jobs);
    report.figure("attempts_lost", outcome.lostAttempts);
    if (!report.timings().containsKey("detect")) {
      report.timing("detect", outcome.firstLostMs == 0 ? null : outcome.firstLostMs - faultAt);
    }
    report.timing("requeue", outcome.firstRequeueMs == 0 ? null : outcome.firstRequeueMs - faultAt);
    report.timing("finish", outcome.lastEndMs == 0 ? null : outcome.lastEndMs - faultAt);
    JsonObject timings = new JsonObject();
    report.timings().forEach(timings::put);
    record("drill_finished", new JsonObject().put("verdict", report.verdict()).put("timings_ms", timings));
    flushEvents(true);
    step("finished: " + report.verdict());
    return report;
  }

  /**
   * Before anything is submitted or hurt: the hub answers, and takes the admin token (the drill reads the
   * system status and records its steps with it). One try: a drill against an API it cannot reach ends at
   * once (exit 3) instead of after {@link HubClient#RETRY_WINDOW} of retries, and one whose token is refused
   * ends with the API's error (exit 1) before it injects a fault it could not record.
   */
  private void preflight(Scenario s) {
    try {
      hub.systemStatusOnce();
    } catch (CliException e) {
      throw new CliException(e.exitCode(), "drill " + s.label() + " did not start: " + e.getMessage().replaceFirst("^reachctl: ", ""), e);
    }
  }

  // --- the scenarios; each returns when its fault was injected (epoch ms)

  private long runnerCrash(DrillWorkload w, Settings s) throws InterruptedException {
    Member victim = busiestRunner(w, s);
    long at = inject("kill", victim, () -> faults.kill(victim));
    awaitAttemptsEnded(w, victim.name(), s.recoveryTimeout());
    bringBack(victim, "start", () -> faults.start(victim));
    return at;
  }

  private long networkPartition(DrillWorkload w, Settings s) throws InterruptedException {
    Member victim = busiestRunner(w, s);
    long at = inject(target == Target.COMPOSE ? "network-disconnect" : "sigstop", victim, () -> faults.disconnect(victim));
    Thread.sleep(s.faultTime().toMillis());
    clear(target == Target.COMPOSE ? "network-connect" : "sigcont", victim, () -> faults.reconnect(victim));
    awaitHealthy(victim);
    return at;
  }

  private long leaderCrash(DrillWorkload w, Settings s) throws InterruptedException {
    w.submitJobs(s.jobs());
    w.awaitRunning(Duration.ofSeconds(60));
    JsonObject before = hub.systemStatus().getJsonObject("leadership", new JsonObject());
    long epoch = before.getLong("epoch", -1L);
    Member leader = faults.orchestrator(before.getString("leader_id"));
    if (leader == null) {
      throw new DrillException("the leader " + before.getString("leader_id") + " is not an orchestrator of "
          + faults.describe());
    }
    if (faults.members(Role.ORCHESTRATOR).size() < 2) {
      report.note("only one orchestrator: nobody can take over until it is back");
    }
    long at = inject("kill", leader, () -> faults.kill(leader));
    long deadline = System.nanoTime() + s.recoveryTimeout().toNanos();
    JsonObject after = before;
    while (System.nanoTime() < deadline) {
      try {
        after = hub.systemStatusOnce().getJsonObject("leadership", new JsonObject());
        if (after.getLong("epoch", -1L) > epoch) {
          break;
        }
      } catch (RuntimeException e) {
        // the hub may not answer for a moment while the cluster notices: ask again
      }
      Thread.sleep(100);
    }
    if (after.getLong("epoch", -1L) > epoch) {
      long since = Outcome.millis(after.getString("since"));
      long takeover = since >= at ? since - at : System.currentTimeMillis() - at;
      report.timing("detect", takeover);
      Member next = faults.orchestrator(after.getString("leader_id"));
      String who = (next == null ? "" : next.name() + ", ") + "node " + after.getString("leader_id");
      report.figure("new_leader", who + " (epoch " + after.getLong("epoch") + ")");
      step("new leader " + who + " with epoch " + after.getLong("epoch"));
    } else {
      report.check(new Check("a new leader took over", false, "no epoch after " + epoch + " within "
          + s.recoveryTimeout().toSeconds() + " s"));
    }
    bringBack(leader, "start", () -> faults.start(leader));
    return at;
  }

  private long databaseOutage(DrillWorkload w, Settings s) throws InterruptedException {
    List<Member> dbs = faults.members(Role.DATABASE);
    if (dbs.size() != 1) {
      throw new DrillException("expected one database member on " + faults.describe() + ", found " + dbs);
    }
    Member db = dbs.get(0);
    w.submitJobs(s.jobs());
    w.awaitRunning(Duration.ofSeconds(60));
    databaseHeld = true;
    long at = inject("pause", db, () -> faults.pause(db));
    String refused = null;
    long refusedAt = 0;
    int acceptedDuring = 0;
    long unpausedAt = 0;
    DrillWorkload.Prepared probe = w.prepareRun(1);
    try {
      long end = at + s.faultTime().toMillis();
      while (System.currentTimeMillis() < end) {
        if (refused == null) {
          try {
            w.tryOnce(probe);
            acceptedDuring++;
            probe = w.prepareRun(1);
          } catch (ApiException e) {
            if (e.status() == 503 || e.status() == 504) {
              refused = e.status() + " " + e.code();
              refusedAt = System.currentTimeMillis();
              step("submission refused: " + refused);
            } else {
              throw e;
            }
          } catch (RuntimeException e) {
            // no answer at all: the client would retry
          }
        }
        Thread.sleep(250);
      }
    } finally {
      databaseHeld = false;
      unpausedAt = clear("unpause", db, () -> faults.unpause(db));
    }
    // DB_POOL_EXHAUSTED counts too: with auth on, every request's token lookup is a statement, and a frozen
    // database holds them all, so the pool is full of them before a statement times out (a 503 with the
    // retry hint all the same; the compose drill saw it on 2026-12-05)
    report.check(new Check("submissions refused with the error contract while the database is away",
        refused != null && (refused.endsWith("DB_UNAVAILABLE") || refused.endsWith("DB_CIRCUIT_OPEN")
            || refused.endsWith("DB_POOL_EXHAUSTED")),
        refused == null ? "no submission was refused during the outage (" + acceptedDuring + " accepted)"
            : "refused with " + refused + (acceptedDuring > 0 ? "; " + acceptedDuring + " accepted before" : "")));
    report.timing("detect", refused == null ? null : refusedAt - at);
    // the refused submission again, under the same idempotency key: one run whether or not the refused
    // try committed after all (a frozen database that resumes may still commit it)
    w.submit(probe);
    report.timing("accepted_again", System.currentTimeMillis() - unpausedAt);
    step("a submission is accepted again");
    return at;
  }

  private long artifactStoreOutage(DrillWorkload w, Settings s) throws InterruptedException {
    List<Member> stores = faults.members(Role.ARTIFACT_STORE);
    if (stores.isEmpty()) {
      throw new DrillException("no artifact store on " + faults.describe());
    }
    w.withArtifacts(3);
    w.submitJobs(s.jobs());
    w.awaitRunning(Duration.ofSeconds(60));
    long at = 0;
    for (Member m : stores) {
      long t = inject(target == Target.COMPOSE ? "pause" : "sigstop", m, () -> faults.pause(m));
      at = at == 0 ? t : at;
    }
    Long detected = null;
    try {
      long end = at + s.faultTime().toMillis();
      while (System.currentTimeMillis() < end) {
        if (detected == null && artifactStoreDownInHealth()) {
          detected = System.currentTimeMillis() - at;
          step("the hub's deep health check reports the artifact store down");
        }
        Thread.sleep(500);
      }
    } finally {
      for (Member m : stores) {
        clear(target == Target.COMPOSE ? "unpause" : "sigcont", m, () -> faults.unpause(m));
      }
    }
    report.timing("detect", detected);
    for (Member m : stores) {
      awaitHealthy(m);
    }
    return at;
  }

  /** The hub's deep health check of the artifact store (an event-bus round trip) says it is not up. */
  private boolean artifactStoreDownInHealth() {
    try {
      JsonObject deps = hub.deepHealthOnce().getJsonObject("dependencies", new JsonObject());
      for (String name : deps.fieldNames()) {
        Object d = deps.getValue(name);
        if (name.contains("artifact-store") && d instanceof JsonObject dep && !"up".equals(dep.getString("status"))) {
          return true;
        }
      }
    } catch (RuntimeException e) {
      // not now: ask again
    }
    return false;
  }

  private long rollingRestart(DrillWorkload w, Settings s) throws InterruptedException {
    List<Member> order = new ArrayList<>(faults.members(Role.RUNNER));
    order.addAll(faults.members(Role.ARTIFACT_STORE));
    String leaderId = hub.systemStatus().getJsonObject("leadership", new JsonObject()).getString("leader_id");
    Member leader = faults.orchestrator(leaderId);
    for (Member m : faults.members(Role.ORCHESTRATOR)) {
      if (!m.equals(leader)) {
        order.add(m);
      }
    }
    if (leader != null) {
      order.add(leader); // the leader last: one takeover, not two
    }
    order.addAll(faults.members(Role.HUB));
    w.submitJobs(s.jobs());
    w.awaitRunning(Duration.ofSeconds(60));
    AtomicBoolean loading = new AtomicBoolean(true);
    List<RuntimeException> submitErrors = new ArrayList<>();
    Thread load = new Thread(() -> {
      while (loading.get()) {
        try {
          w.submitRun(3, null);
          Thread.sleep(3_000);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          synchronized (submitErrors) {
            submitErrors.add(e);
          }
          return;
        }
      }
    }, "drill-load");
    load.setDaemon(true);
    long at = System.currentTimeMillis();
    load.start();
    long slowest = 0;
    try {
      for (Member m : order) {
        long t = inject("restart", m, () -> faults.restart(m));
        long back = awaitHealthy(m);
        slowest = Math.max(slowest, back < 0 ? 0 : back - t);
        report.figure("restart " + m.name(), back < 0 ? "not healthy within " + HEALTHY_TIMEOUT.toSeconds() + " s"
            : String.format(java.util.Locale.ROOT, "healthy %.1f s after the restart began", (back - t) / 1000.0));
      }
    } finally {
      loading.set(false); // the load ends after its current submission (retried at most HubClient.RETRY_WINDOW)
      load.join(HubClient.RETRY_WINDOW.plusSeconds(30).toMillis());
    }
    report.timing("detect", null);
    report.timing("slowest_restart", slowest);
    synchronized (submitErrors) {
      report.check(new Check("submissions accepted throughout", submitErrors.isEmpty(), submitErrors.isEmpty()
          ? w.runIds().size() + " runs accepted while " + order.size() + " members restarted one by one"
          : "a submission was refused for good: " + submitErrors.get(0).getMessage()));
    }
    return at;
  }

  private long poisonPill(DrillWorkload w, Settings s) throws InterruptedException {
    w.submitJobs(s.jobs());
    JsonObject poison = new JsonObject().put("name", POISON).put("command", ProbeJob.poison())
        .put("timeout_seconds", 120).put("max_lost_attempts", 2);
    long at = System.currentTimeMillis();
    String runId = w.submitRun(1, poison);
    record("drill_fault_injected", new JsonObject().put("action", "submit-poison").put("run_id", runId));
    step("submitted a job that SIGKILLs its runner (max_lost_attempts 2) in run " + runId);
    long deadline = System.nanoTime() + s.recoveryTimeout().toNanos();
    String state = null;
    while (System.nanoTime() < deadline) {
      for (Object o : hub.run(runId).getJsonArray("jobs")) {
        JsonObject job = (JsonObject) o;
        if (POISON.equals(job.getString("name"))) {
          state = job.getString("state");
        }
      }
      if (DrillWorkload.TERMINAL.contains(state)) {
        break;
      }
      Thread.sleep(500);
    }
    report.timing("detect", "QUARANTINED".equals(state) ? System.currentTimeMillis() - at : null);
    step("poison job " + state);
    boolean letter = false;
    for (Object o : hub.deadLetters().getJsonArray("dead_letters", new JsonArray())) {
      JsonObject d = (JsonObject) o;
      letter |= POISON.equals(d.getString("job_name")) && runId.equals(d.getString("run_id"));
    }
    report.check(new Check("the poison job has a dead letter", letter, letter ? "dead letter for " + runId + "/" + POISON
        : "no dead letter for " + runId + "/" + POISON));
    if (target == Target.LOCAL) {
      report.note("the runners the poison job killed are not started again by a local drill: start them again");
    } else {
      for (Member m : faults.members(Role.RUNNER)) {
        awaitHealthy(m); // compose restarts a runner whose JVM died (restart: unless-stopped)
      }
    }
    return at;
  }

  /**
   * db-restore: with drill jobs running, a backup (recorded as backup_taken), then the database dropped
   * (every connection ended), then {@code reachctl admin restore} of that backup, which switches the
   * restore in under the same name. Recovery time: from the drop until a submission is accepted again.
   * Every run of the workload was accepted before the backup, so all of them must be there and end
   * terminal; what happened between the backup and the drop (completions, drill steps) is lost with the
   * database by definition, and the jobs redo it under the new generation.
   */
  private long databaseRestore(DrillWorkload w, Settings s) throws InterruptedException {
    if (database == null) {
      throw new DrillException("db-restore needs the database: pass --db-url (or set REACH_DB_URL)");
    }
    w.submitJobs(s.jobs());
    w.awaitRunning(Duration.ofSeconds(60));
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      JsonObject m;
      try {
        m = new dev.reach.cli.backup.Backups(database.tools(), null).take(vertx, database.url(), database.backupDir());
      } catch (dev.reach.cli.backup.Backups.BackupFailed e) {
        hub.backupEvent("backup_failed", e.manifest().getString("id"), e.manifest());
        throw new DrillException("the backup failed: " + e.getMessage(), e);
      }
      hub.backupEvent("backup_taken", m.getString("id"), m);
      restorePointMs = java.time.Instant.parse(m.getString("snapshot_at")).toEpochMilli();
      report.figure("backup", m.getString("id") + ": " + m.getLong("size_bytes") + " bytes in " + m.getLong("duration_ms")
          + " ms, events through #" + m.getLong("last_event_seq") + ", generation " + m.getLong("db_generation"));
      report.timing("backup", m.getLong("duration_ms"));
      step("backup " + m.getString("id") + " taken (events through #" + m.getLong("last_event_seq") + ")");
      Thread.sleep(Math.min(s.faultTime().toMillis(), 5_000)); // jobs go on after the backup: that work is lost with the database
      Member db = new Member(database.url().database(), Role.DATABASE, database.url().host() + ":" + database.url().port());
      databaseHeld = true;
      long at = inject("drop-database", db, () -> dropDatabase(vertx));
      JsonObject r;
      try {
        r = new dev.reach.cli.backup.Restore(database.tools()).run(vertx, database.backupDir().resolve(m.getString("id")), m,
            new dev.reach.cli.backup.Restore.Settings(database.url(), null, false, "drill " + drillId));
      } catch (dev.reach.cli.backup.Restore.RestoreFailed e) {
        report.check(new Check("the backup restores", false, e.getMessage()));
        throw new DrillException("the restore failed: " + e.getMessage(), e);
      }
      long restoredAt = System.currentTimeMillis();
      report.timing("restore", restoredAt - at);
      report.figure("generation", r.getLong("generation_before") + " -> " + r.getLong("generation"));
      report.figure("in_flight_at_restore_point", r.getJsonArray("in_flight").size() + " job(s): leases expire, jobs requeued");
      report.check(new Check("the restored event chain verifies", r.getJsonObject("chain").getBoolean("ok"),
          r.getJsonObject("chain").getString("summary")));
      report.check(new Check("the restored projections equal a replay (before serving)",
          r.getJsonObject("projections").getBoolean("equal_to_replay"),
          r.getJsonObject("projections").getLong("rebuilt_differences") + " row(s) differed from the replay and were rebuilt"));
      report.check(new Check("the restore is switched in", r.getBoolean("switched", false), r.getString("serving_database")));
      step("restored " + m.getString("id") + " into " + r.getString("restored_into") + ", switched in as "
          + r.getString("serving_database") + " (" + r.getJsonObject("timings_ms").getLong("total") + " ms)");
      databaseHeld = false;
      clear("restore", db, () -> { });
      // recovered: the cluster accepts a submission again (retried while it reconnects)
      w.submitRun(1, null);
      long recovered = System.currentTimeMillis();
      report.timing("recovery", recovered - at);
      step(String.format(java.util.Locale.ROOT, "a submission is accepted again, %.1f s after the drop", (recovered - at) / 1000.0));
      return at;
    } finally {
      databaseHeld = false;
      vertx.close().await();
    }
  }

  private void dropDatabase(io.vertx.core.Vertx vertx) {
    dev.reach.shared.config.DbUrl u = database.url();
    io.vertx.pgclient.PgConnection c = io.vertx.pgclient.PgConnection.connect(vertx, dev.reach.cli.backup.PgTools.options(
        new dev.reach.shared.config.DbUrl(u.host(), u.port(), "postgres", u.user(), u.password()))).await();
    try {
      c.query("DROP DATABASE " + u.database() + " WITH (FORCE)").execute().await();
    } finally {
      c.close().await();
    }
  }

  /** After db-restore: the live projections compared with a replay of the (restored) event log. */
  private void projectionsEqualReplay() {
    try {
      JsonObject r = hub.projectionsDryRun();
      long d = r.getLong("differences", -1L);
      report.check(new Check("projections equal a replay of the event log", d == 0,
          d + " differing row(s) (replayed " + r.getLong("events_replayed", 0L) + " events)"));
    } catch (RuntimeException e) {
      report.check(new Check("projections equal a replay of the event log", false, "the dry run failed: " + e.getMessage()));
    }
  }

  // --- steps

  /** Submits the workload and picks the runner running the most drill jobs. */
  private Member busiestRunner(DrillWorkload w, Settings s) throws InterruptedException {
    w.submitJobs(s.jobs());
    List<JsonObject> runs = w.awaitRunning(Duration.ofSeconds(60));
    Map<String, Integer> running = DrillWorkload.runningByRunner(runs);
    String busiest = running.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    Member m = faults.runner(busiest);
    if (m == null) {
      throw new DrillException("runner " + busiest + " (running " + running.get(busiest) + " drill jobs) is not a member"
          + " of " + faults.describe());
    }
    report.figure("victim", m.name() + " (running " + running.get(busiest) + " drill jobs)");
    return m;
  }

  /** Waits until no attempt runs on the runner any more (the orchestrator counted them lost). */
  private void awaitAttemptsEnded(DrillWorkload w, String runnerId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!DrillWorkload.runningByRunner(w.fetch()).containsKey(runnerId)) {
        step("no attempt runs on " + runnerId + " any more");
        return;
      }
      Thread.sleep(250);
    }
  }

  private interface Action {
    void run();
  }

  private long inject(String action, Member m, Action a) {
    long at = System.currentTimeMillis();
    a.run();
    record("drill_fault_injected", new JsonObject().put("action", action).put("member", m.name()).put("role", m.role().label()));
    step(action + " " + m.name() + " (" + m.role().label() + ")");
    return at;
  }

  /** Clears a fault; when it was cleared (epoch ms, before the step is recorded). */
  private long clear(String action, Member m, Action a) {
    a.run();
    long at = System.currentTimeMillis();
    record("drill_fault_cleared", new JsonObject().put("action", action).put("member", m.name()).put("role", m.role().label()));
    step(action + " " + m.name());
    return at;
  }

  /** Starts a killed member again where the target can; the local target leaves that to the operator. */
  private void bringBack(Member m, String action, Action a) throws InterruptedException {
    if (target == Target.LOCAL) {
      report.note(m.name() + " was killed and a local drill does not start it again: start it the way it was started");
      return;
    }
    clear(action, m, a);
    awaitHealthy(m);
  }

  /** Epoch ms when the member was healthy again, or -1 (a failed check) when not within the timeout. */
  private long awaitHealthy(Member m) throws InterruptedException {
    long t0 = System.currentTimeMillis();
    boolean ok = faults.awaitHealthy(m, HEALTHY_TIMEOUT);
    long at = System.currentTimeMillis();
    if (!ok) {
      report.check(new Check(m.name() + " healthy again", false, "not healthy within " + HEALTHY_TIMEOUT.toSeconds() + " s"));
      return -1;
    }
    step(String.format(java.util.Locale.ROOT, "%s healthy (%.1f s)", m.name(), (at - t0) / 1000.0));
    if (m.role() == Role.RUNNER) {
      return awaitHeartbeat(m, t0);
    }
    return at;
  }

  /**
   * A runner is back when the orchestrator hears its heartbeat again (a container can be healthy before its
   * runner has found the cluster): epoch ms of that, or -1 (a failed check).
   */
  private long awaitHeartbeat(Member m, long sinceMs) throws InterruptedException {
    long deadline = System.nanoTime() + HEALTHY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (Object o : hub.runners().getJsonArray("runners", new JsonArray())) {
        JsonObject r = (JsonObject) o;
        if (m.name().equals(r.getString("id")) && Outcome.millis(r.getString("last_heartbeat_at")) > sinceMs) {
          long at = System.currentTimeMillis();
          step(String.format(java.util.Locale.ROOT, "%s heartbeats again (%.1f s)", m.name(), (at - sinceMs) / 1000.0));
          return at;
        }
      }
      Thread.sleep(250);
    }
    report.check(new Check(m.name() + " back in the cluster", false, "no heartbeat within " + HEALTHY_TIMEOUT.toSeconds() + " s"));
    return -1;
  }

  /**
   * Appends a drill step to the event log. One try: while the drill holds the database (or the hub) down
   * the step waits in order, with the time it happened, and is written before the next one that can be.
   */
  private void record(String type, JsonObject detail) {
    pending.add(new JsonObject().put("type", type).put("drill_id", drillId).put("scenario", scenario.label())
        .put("target", target.label()).put("detail", detail.copy().put("at", java.time.Instant.now().toString())));
    if (!databaseHeld) {
      flushEvents(false);
    }
  }

  /** Writes the pending steps in order; {@code retry}: waits (bounded) for the cluster to take them. */
  private void flushEvents(boolean retry) {
    while (!pending.isEmpty()) {
      try {
        if (retry) {
          hub.drillEvent(pending.get(0));
        } else {
          hub.drillEventOnce(pending.get(0));
        }
        pending.remove(0);
      } catch (RuntimeException e) {
        if (retry) {
          report.note("could not record " + pending.size() + " drill step(s) in the event log: " + e.getMessage());
          pending.clear();
        }
        return;
      }
    }
  }

  private void step(String what) {
    long now = System.currentTimeMillis();
    report.step(now, what);
    progress.println("drill " + drillId + ": " + what);
    progress.flush();
  }
}
