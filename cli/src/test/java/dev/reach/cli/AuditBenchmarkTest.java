package dev.reach.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event chain's figures, printed (no pass/fail beyond the work being done); opt-in with
 * {@code -Dreach.bench=true}. Export and verify of 1,000,000 events through the real path (hub,
 * orchestrator, embedded Postgres, {@code reachctl audit} in this JVM): events/s and peak heap; and
 * job throughput of local mode with sealing on (default interval) and off ({@code
 * REACH_SEAL_INTERVAL_MS=0}), same build.
 */
@EnabledIfSystemProperty(named = "reach.bench", matches = "true")
@Timeout(value = 60, unit = TimeUnit.MINUTES)
class AuditBenchmarkTest {
  static final String TOKEN = "bench-admin-token-0123456789";
  static final int JOBS = Integer.getInteger("reach.bench.jobs", 250_000); // 4 events each

  @TempDir Path tmp;

  /** The largest heap in use seen while it ran, sampled every 10 ms after a GC at the start. */
  static final class PeakHeap implements AutoCloseable {
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread sampler;

    PeakHeap() {
      System.gc();
      sampler = new Thread(() -> {
        while (!stop.get()) {
          peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(10); // sampling period
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    long mb() {
      return peak.get() / (1024 * 1024);
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      sampler.join();
    }
  }

  @Test
  void exportAndVerifyOfAMillionEvents() throws Exception {
    Map<String, String> env = Map.of("REACH_TEST_MODE", "true", "REACH_ADMIN_TOKEN", TOKEN, "REACH_SEAL_INTERVAL_MS", "200");
    try (LocalCluster c = LocalCluster.start(LocalCluster.options().env(env).tempRoot(tmp).port(0).runners(0));
        Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.dbPort() + "/reach", "postgres", "postgres")) {
      System.out.printf("%nEvent chain benchmark (%d cores, max heap %d MB)%n", Runtime.getRuntime().availableProcessors(),
          Runtime.getRuntime().maxMemory() / (1024 * 1024));
      long t0 = System.nanoTime();
      // a lifecycle per job: submitted, leased, started, completed — in seq order, committed in batches
      try (Statement st = db.createStatement()) {
        for (int from = 1; from <= JOBS; from += 25_000) {
          st.execute("""
              INSERT INTO events (type, run_id, job_id, token, payload)
              SELECT t.type, j.run_id, CASE WHEN t.step > 1 THEN j.job_id END, CASE WHEN t.step > 1 THEN j.g END,
                     CASE t.step
                       WHEN 1 THEN jsonb_build_object('run_id', j.run_id, 'name', 'bench-' || j.g, 'idempotency_key', null,
                                   'fingerprint', md5(j.g::text), 'requeue_of', null,
                                   'jobs', jsonb_build_array(jsonb_build_object('job_id', j.job_id,
                                     'spec', jsonb_build_object('name', 'j', 'command', 'true', 'env', '{}'::jsonb))))
                       WHEN 2 THEN jsonb_build_object('job_id', j.job_id, 'attempt', 1, 'token', j.g, 'runner_id', 'bench-runner',
                                   'incarnation', 'inc-1', 'claim_request', 'inc-1:' || j.g, 'claim_seq', j.g,
                                   'lease_expires_at', now())
                       WHEN 3 THEN jsonb_build_object('job_id', j.job_id, 'attempt', 1, 'token', j.g, 'spawned_at_ms', 1767268800000 + j.g)
                       ELSE jsonb_build_object('job_id', j.job_id, 'attempt', 1, 'token', j.g, 'exit_code', 0, 'reason', 'exit_code',
                                   'attempt_state', 'SUCCEEDED', 'to', 'SUCCEEDED', 'log', null)
                     END
                FROM (SELECT g, gen_random_uuid() AS run_id, gen_random_uuid() AS job_id
                        FROM generate_series(%d, %d) g) j
               CROSS JOIN (VALUES (1, 'run_submitted'), (2, 'job_leased'), (3, 'job_started'), (4, 'attempt_completed'))
                     AS t (step, type)
               ORDER BY j.g, t.step""".formatted(from, Math.min(JOBS, from + 24_999)));
        }
      }
      long events = count(db, "SELECT count(*) FROM events");
      System.out.printf("  appended %,d events in %.1f s%n", events, seconds(t0));

      long s0 = System.nanoTime();
      long sealed;
      while ((sealed = count(db, "SELECT count(*) FROM event_seals")) < events) {
        Thread.sleep(500); // polling the measurement
      }
      double sealSeconds = seconds(s0);
      System.out.printf("  sealed by the leader: %,d events in %.1f s = %,.0f events/s (REACH_SEAL_BATCH %d)%n", sealed,
          sealSeconds, sealed / sealSeconds, 1000);

      Path file = tmp.resolve("log.jsonl");
      long e0 = System.nanoTime();
      int exportCode;
      long exportPeak;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      try (PeakHeap peak = new PeakHeap(); OutputStream fileOut = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
          PrintStream out = new PrintStream(fileOut, false, StandardCharsets.UTF_8)) {
        exportCode = ReachCtl.execute(new String[] {"audit", "export", "--api", c.apiUrl()},
            Map.of("REACH_ADMIN_TOKEN", TOKEN), out, new PrintStream(err, true, StandardCharsets.UTF_8));
        out.flush();
        exportPeak = peak.mb();
      }
      double exportSeconds = seconds(e0);
      assertThat(exportCode).as(err.toString(StandardCharsets.UTF_8)).isZero();
      long lines;
      try (var s = Files.lines(file)) {
        lines = s.count();
      }
      System.out.printf("  export: %,d events (%,d MB) in %.1f s = %,.0f events/s; peak heap %d MB (whole JVM: hub, orchestrator, CLI)%n",
          lines - 2, Files.size(file) / (1024 * 1024), exportSeconds, (lines - 2) / exportSeconds, exportPeak);

      long v0 = System.nanoTime();
      ByteArrayOutputStream report = new ByteArrayOutputStream();
      int verifyCode;
      long verifyPeak;
      try (PeakHeap peak = new PeakHeap()) {
        verifyCode = ReachCtl.execute(new String[] {"audit", "verify", file.toString()}, Map.of(),
            new PrintStream(report, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        verifyPeak = peak.mb();
      }
      double verifySeconds = seconds(v0);
      System.out.printf("  verify: %,d events in %.1f s = %,.0f events/s; peak heap %d MB (%,d jobs replayed)%n", lines - 2,
          verifySeconds, (lines - 2) / verifySeconds, verifyPeak, JOBS);
      System.out.print(report.toString(StandardCharsets.UTF_8).indent(4));
      assertThat(verifyCode).isZero();
    }
  }

  @Test
  void jobThroughputWithSealingOnAndOff() throws Exception {
    int jobs = Integer.getInteger("reach.bench.burst", 1_000);
    int rounds = Integer.getInteger("reach.bench.rounds", 3);
    System.out.printf("%nJob throughput, sealing on vs off (%d jobs 'true' per burst, 2 runners x 8 slots, %d bursts each)%n",
        jobs, rounds);
    List<Double> off = new ArrayList<>();
    List<Double> on = new ArrayList<>();
    // alternate, so a busy spell of the machine does not land on one side only
    for (int r = 0; r < 2; r++) {
      off.addAll(bursts("0", jobs, rounds));
      on.addAll(bursts("1000", jobs, rounds));
    }
    double offMedian = median(off);
    double onMedian = median(on);
    System.out.printf("  sealing off (REACH_SEAL_INTERVAL_MS=0):    %s jobs/s, median %.0f%n", off, offMedian);
    System.out.printf("  sealing on  (REACH_SEAL_INTERVAL_MS=1000): %s jobs/s, median %.0f%n", on, onMedian);
    System.out.printf("  cost of sealing: %.1f%% of throughput%n", 100 * (offMedian - onMedian) / offMedian);
  }

  private List<Double> bursts(String sealInterval, int jobs, int rounds) throws Exception {
    Map<String, String> env = Map.of("REACH_TEST_MODE", "true", "REACH_SEAL_INTERVAL_MS", sealInterval);
    List<Double> out = new ArrayList<>();
    try (LocalCluster c = LocalCluster.start(LocalCluster.options().env(env).tempRoot(tmp).port(0).runners(2).slots(8));
        Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + c.dbPort() + "/reach", "postgres", "postgres")) {
      while (count(db, "SELECT count(*) FROM runners") < 2) {
        Thread.sleep(50); // polling the measurement
      }
      burst(c, db, 300); // warm-up
      for (int i = 0; i < rounds; i++) {
        out.add(Math.rint(burst(c, db, jobs)));
      }
      if (!"0".equals(sealInterval)) {
        long unsealed = count(db, "SELECT count(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM event_seals s WHERE s.seq = e.seq)");
        long all = count(db, "SELECT count(*) FROM events");
        System.out.printf("  (sealing on: %,d events, %,d not sealed yet at the end)%n", all, unsealed);
      }
    }
    return out;
  }

  /** Jobs/s from the submission of one run of {@code n} jobs to the end of its last job. */
  private static double burst(LocalCluster c, Connection db, int n) throws Exception {
    JsonArray list = new JsonArray();
    for (int i = 0; i < n; i++) {
      list.add(new JsonObject().put("name", "j" + i).put("command", "true"));
    }
    HttpClient http = HttpClient.newHttpClient();
    long sent = System.nanoTime();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(c.apiUrl() + "/api/v1/runs"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("name", "burst").put("jobs", list).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    String runId = new JsonObject(r.body()).getString("id");
    while (count(db, "SELECT count(*) FROM jobs WHERE run_id = '" + runId + "' AND state IN ('QUEUED', 'LEASED', 'RUNNING')") > 0) {
      Thread.sleep(20); // polling the measurement
    }
    return n / seconds(sent);
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    Collections.sort(s);
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static long count(Connection db, String sql) throws Exception {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
