package dev.reach.cli.bench;

import dev.reach.cli.Cli;
import dev.reach.cli.JsonOption;
import dev.reach.cli.LocalCluster;
import dev.reach.shared.db.Db;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Throughput and latency of local mode, printed as figures (no pass/fail): a burst of jobs
 * running {@code true} submitted as one run, then single-job runs submitted one at a time into an
 * idle system. Submit→start is the runner's spawn time minus the client's send time (same host).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:measured", "1:local mode could not start or a run did not finish", "2:bad usage"},
    description = {"Benchmark local mode: jobs/s and submit->start latency, CPU and database round trips per job.",
        "--json: the figures as one JSON object on stdout ({\"runners\", \"slots\", \"command\", \"cores\", \"burst\":"
            + " {\"jobs\", \"succeeded\", \"accepted_ms\", \"seconds\", \"jobs_per_s\", \"submit_to_start_ms\","
            + " \"cpu_per_job_ms\", \"db_round_trips_per_job\"}, \"idle\": {...}}); the text goes to stderr."})
public final class BenchCommand implements Callable<Integer> {
  private final Cli cli;
  /** Where the figures are printed for people: stdout, or stderr with --json. */
  private PrintStream text;
  private final JsonObject figures = new JsonObject();

  @Mixin JsonOption output;

  public BenchCommand(Cli cli) {
    this.cli = cli;
  }

  @Option(names = "--jobs", defaultValue = "1000", description = "jobs in the burst (default ${DEFAULT-VALUE})")
  int jobs;

  @Option(names = "--runners", defaultValue = "2", description = "runners (default ${DEFAULT-VALUE})")
  int runners;

  @Option(names = "--slots", defaultValue = "8", description = "slots per runner (default ${DEFAULT-VALUE})")
  int slots;

  @Option(names = "--idle-jobs", defaultValue = "200", description = "single-job runs into an idle system (default ${DEFAULT-VALUE})")
  int idleJobs;

  @Option(names = "--idle-gap-ms", defaultValue = "20", description = "gap between idle submissions (default ${DEFAULT-VALUE})")
  int idleGapMs;

  @Option(names = "--warmup", defaultValue = "300", description = "jobs run first and not counted (default ${DEFAULT-VALUE})")
  int warmup;

  @Option(names = "--command", defaultValue = "true", description = "the job command (default ${DEFAULT-VALUE})")
  String command;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** The benchmark runs with auth on, as a deployment does: every submission carries this admin token. */
  private final String token = "bench-" + java.util.UUID.randomUUID();

  @Override
  public Integer call() throws Exception {
    text = output.on() ? cli.err() : cli.out();
    figures.put("runners", runners).put("slots", slots).put("command", command)
        .put("cores", Runtime.getRuntime().availableProcessors());
    text.printf("Reach benchmark: local mode with auth on, %d runners x %d slots, command '%s', %d cores%n",
        runners, slots, command, Runtime.getRuntime().availableProcessors());
    try (LocalCluster lc = LocalCluster.start(LocalCluster.options().port(0).runners(runners).slots(slots)
            .auth(true).set("REACH_ADMIN_TOKEN", token));
        Connection db = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + lc.dbPort() + "/" + database(lc), "postgres", "postgres")) {
      String api = lc.apiUrl();
      long postmaster = postmasterPid(db);
      awaitRunners(db, runners);

      text.printf("warm-up: %d jobs...%n", warmup);
      burst(api, db, warmup, postmaster, false);

      text.printf("%nburst: %d jobs submitted as one run%n", jobs);
      burst(api, db, jobs, postmaster, true);

      text.printf("%nidle: %d single-job runs, one every %d ms%n", idleJobs, idleGapMs);
      idle(api, db, postmaster);
    }
    if (output.on()) {
      JsonOption.print(cli.out(), figures);
    }
    return 0;
  }

  private void burst(String api, Connection db, int n, long postmaster, boolean print) throws Exception {
    JsonArray list = new JsonArray();
    for (int i = 0; i < n; i++) {
      list.add(new JsonObject().put("name", "j" + i).put("command", command));
    }
    String body = new JsonObject().put("name", "bench-burst").put("jobs", list).encode();
    CpuSample cpu0 = CpuSample.take(postmaster);
    long rt0 = Db.totalRoundTrips();
    long sentAt = System.currentTimeMillis();
    String runId = submit(api, body);
    long acceptedAt = System.currentTimeMillis();
    awaitFinished(db, List.of(runId), Duration.ofMinutes(10));
    CpuSample cpu = CpuSample.take(postmaster).minus(cpu0);
    long rt = Db.totalRoundTrips() - rt0;
    if (!print) {
      return;
    }
    double[] startLatency = new double[n];
    long lastEnd = 0;
    int succeeded = 0;
    int i = 0;
    try (PreparedStatement st = db.prepareStatement(
        "SELECT extract(epoch FROM a.spawned_at) * 1000 AS spawned, extract(epoch FROM a.ended_at) * 1000 AS ended, j.state::text"
            + " FROM jobs j JOIN attempts a ON a.job_id = j.id AND a.number = j.attempt WHERE j.run_id = ?::uuid")) {
      st.setString(1, runId);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          startLatency[i++] = rs.getDouble(1) - sentAt;
          lastEnd = Math.max(lastEnd, (long) rs.getDouble(2));
          if ("SUCCEEDED".equals(rs.getString(3))) {
            succeeded++;
          }
        }
      }
    }
    double seconds = (lastEnd - sentAt) / 1000.0;
    Percentiles latency = new Percentiles(java.util.Arrays.copyOf(startLatency, i));
    JsonObject burst = new JsonObject().put("jobs", n).put("succeeded", succeeded).put("accepted_ms", acceptedAt - sentAt)
        .put("seconds", seconds).put("jobs_per_s", n / seconds).put("submit_to_start_ms", latency.toJson());
    figures.put("burst", burst);
    text.printf("  %d/%d succeeded; submission accepted in %d ms%n", succeeded, n, acceptedAt - sentAt);
    text.printf("  throughput: %.0f jobs/s (submit of the run to the last job's end: %.2f s)%n", n / seconds, seconds);
    text.printf("  submit->start: %s%n", latency.summary());
    printCost(burst, cpu, rt, n);
  }

  private void idle(String api, Connection db, long postmaster) throws Exception {
    List<String> ids = new ArrayList<>();
    List<Long> sent = new ArrayList<>();
    CpuSample cpu0 = CpuSample.take(postmaster);
    long rt0 = Db.totalRoundTrips();
    long next = System.nanoTime();
    for (int i = 0; i < idleJobs; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // the pacing of the load itself
      }
      next += idleGapMs * 1_000_000L;
      String body = new JsonObject().put("name", "bench-idle-" + i)
          .put("jobs", new JsonArray().add(new JsonObject().put("name", "j").put("command", command))).encode();
      sent.add(System.currentTimeMillis());
      ids.add(submit(api, body));
    }
    awaitFinished(db, ids, Duration.ofMinutes(5));
    CpuSample cpu = CpuSample.take(postmaster).minus(cpu0);
    long rt = Db.totalRoundTrips() - rt0;
    double[] lat = new double[ids.size()];
    try (PreparedStatement st = db.prepareStatement(
        "SELECT extract(epoch FROM a.spawned_at) * 1000 FROM jobs j JOIN attempts a ON a.job_id = j.id AND a.number = 1"
            + " WHERE j.run_id = ?::uuid")) {
      for (int i = 0; i < ids.size(); i++) {
        st.setString(1, ids.get(i));
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          lat[i] = rs.getDouble(1) - sent.get(i);
        }
      }
    }
    Percentiles latency = new Percentiles(lat);
    JsonObject idle = new JsonObject().put("runs", ids.size()).put("gap_ms", idleGapMs).put("submit_to_start_ms", latency.toJson());
    figures.put("idle", idle);
    text.printf("  submit->start: %s%n", latency.summary());
    printCost(idle, cpu, rt, ids.size());
  }

  private void printCost(JsonObject into, CpuSample cpu, long roundTrips, int n) {
    into.put("cpu_per_job_ms", new JsonObject().put("reach_jvm", cpu.jvmMs() / (double) n)
        .put("job_processes", cpu.jobsMs() / (double) n).put("postgres", cpu.postgresMs() / (double) n));
    into.put("db_round_trips_per_job", roundTrips / (double) n);
    text.printf("  CPU per job: Reach JVM %.2f ms, job processes (watcher + sh) %.2f ms, Postgres %.2f ms%n",
        cpu.jvmMs() / (double) n, cpu.jobsMs() / (double) n, cpu.postgresMs() / (double) n);
    text.printf("  database round trips per job: %.2f (all services; heartbeats and reaper included)%n",
        roundTrips / (double) n);
  }

  private String submit(String api, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/runs"))
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getString("id");
  }

  private static void awaitFinished(Connection db, List<String> runIds, Duration limit) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    String[] ids = runIds.toArray(String[]::new);
    try (PreparedStatement st = db.prepareStatement(
        "SELECT count(*) FROM jobs WHERE run_id = ANY (?::uuid[]) AND state IN ('QUEUED', 'LEASED', 'RUNNING')")) {
      st.setArray(1, db.createArrayOf("text", ids));
      while (true) {
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("jobs still unfinished after " + limit);
        }
        Thread.sleep(20); // polling interval of the measurement loop
      }
    }
  }

  private static void awaitRunners(Connection db, int n) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (PreparedStatement st = db.prepareStatement("SELECT count(*) FROM runners")) {
      while (true) {
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          if (rs.getLong(1) >= n) {
            return;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("runners did not register");
        }
        Thread.sleep(50);
      }
    }
  }

  private static String database(LocalCluster lc) {
    String url = lc.dbUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }

  private static long postmasterPid(Connection db) throws SQLException {
    try (var st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return CpuSample.stat(rs.getInt(1))[4];
    }
  }
}
