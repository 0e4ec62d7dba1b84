package dev.reach.it.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * What every drill checks once its workload settled, from the database, the event log and the
 * jobs' own stamps: every job terminal; no overlap of two attempts of a job; no job with two
 * accepted completions; no transition after a terminal state; every attempt accounted for; no
 * accepted submission missing.
 */
final class DrillChecks {
  private final DrillCluster cluster;
  private final Workload workload;

  DrillChecks(DrillCluster cluster, Workload workload) {
    this.cluster = cluster;
    this.workload = workload;
  }

  /**
   * Submits 3 runs of 20 probe jobs and waits until some have finished and most are still to run:
   * the moment a drill injects its fault.
   */
  static DrillChecks midWorkload(DrillCluster cluster, long seed) throws IOException {
    Workload work = new Workload(cluster.dir, seed);
    work.submitAll(cluster, 3, 20);
    DrillChecks checks = new DrillChecks(cluster, work);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).pollInterval(java.time.Duration.ofMillis(100))
        .until(() -> {
          long left = checks.unfinished();
          return left >= 0 && left < work.jobs - 8;
        });
    return checks;
  }

  Workload workload() {
    return workload;
  }

  /** Lock files of the jobs a runner runs right now (their probes hold the lock while any process lives). */
  List<Path> heldLocks(String runner) throws SQLException {
    List<Path> locks = new ArrayList<>();
    try (Connection c = connect(); PreparedStatement st = c.prepareStatement(
        "SELECT r.name || '-' || j.name FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.runner_id = ? AND j.state = 'RUNNING'")) {
      st.setString(1, runner);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          locks.add(workload.probes.resolve(rs.getString(1) + ".lock"));
        }
      }
    }
    return locks;
  }

  Connection connect() throws SQLException {
    String url = cluster.postgres.url().replace("postgresql://postgres:postgres@", "jdbc:postgresql://");
    return DriverManager.getConnection(url, "postgres", "postgres");
  }

  /** Non-terminal jobs of the workload's runs (-1 when the database cannot be read). */
  long unfinished() {
    try (Connection c = connect()) {
      return count(c, "SELECT count(*) FROM jobs WHERE run_id = ANY (?) AND state NOT IN "
          + "('SUCCEEDED','FAILED','CANCELLED','QUARANTINED')");
    } catch (SQLException e) {
      return -1;
    }
  }

  /** Runs every check; returns figures for the report. */
  Map<String, Object> verify() throws SQLException, IOException {
    Map<String, Object> figures = new LinkedHashMap<>();
    try (Connection c = connect()) {
      long jobs = count(c, "SELECT count(*) FROM jobs WHERE run_id = ANY (?)");
      assertThat(jobs).as("every accepted submission's jobs are present").isEqualTo(workload.jobs);
      assertThat(count(c, "SELECT count(*) FROM runs WHERE id = ANY (?)")).isEqualTo(workload.runIds.size());
      assertThat(list(c, "SELECT name || ' ' || state FROM jobs WHERE run_id = ANY (?) AND state NOT IN "
          + "('SUCCEEDED','FAILED','CANCELLED','QUARANTINED')")).as("every job terminal").isEmpty();
      assertThat(list(c, "SELECT j.id::text FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE j.run_id = ANY (?) "
          + "AND a.state IN ('SUCCEEDED','FAILED','CANCELLED') GROUP BY j.id HAVING count(*) > 1"))
          .as("no job has two accepted completions").isEmpty();
      assertThat(list(c, "SELECT e.token::text FROM events e JOIN jobs j ON j.id = e.job_id WHERE j.run_id = ANY (?) "
          + "AND e.type = 'attempt_completed' GROUP BY e.token HAVING count(*) > 1"))
          .as("no attempt completed twice").isEmpty();
      assertThat(list(c, "SELECT e2.seq || ' ' || e2.type FROM events e1 JOIN events e2 ON e2.job_id = e1.job_id "
          + "AND e2.seq > e1.seq JOIN jobs j ON j.id = e1.job_id WHERE j.run_id = ANY (?) "
          + "AND e1.payload->>'to' IN ('SUCCEEDED','FAILED','CANCELLED','QUARANTINED')"))
          .as("no event for a job after its terminal transition").isEmpty();
      assertThat(list(c, "SELECT a.token::text FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE j.run_id = ANY (?) "
          + "AND (a.state IN ('LEASED','RUNNING') OR a.ended_at IS NULL)")).as("every attempt ended").isEmpty();
      long attempts = count(c, "SELECT count(*) FROM attempts a JOIN jobs j ON j.id = a.job_id WHERE j.run_id = ANY (?)");
      long leasedEvents = count(c, "SELECT count(*) FROM events e JOIN jobs j ON j.id = e.job_id WHERE j.run_id = ANY (?) "
          + "AND e.type = 'job_leased'");
      assertThat(leasedEvents).as("every lease grant has its attempt").isEqualTo(attempts);
      figures.put("jobs", jobs);
      figures.put("attempts", attempts);
      figures.put("succeeded", count(c, "SELECT count(*) FROM jobs WHERE run_id = ANY (?) AND state = 'SUCCEEDED'"));
      figures.put("lost_attempts", count(c, "SELECT count(*) FROM attempts a JOIN jobs j ON j.id = a.job_id "
          + "WHERE j.run_id = ANY (?) AND a.state = 'LOST'"));
      figures.put("released_attempts", count(c, "SELECT count(*) FROM attempts a JOIN jobs j ON j.id = a.job_id "
          + "WHERE j.run_id = ANY (?) AND a.state = 'RELEASED'"));
    }
    List<String> overlaps = new ArrayList<>();
    long starts = 0;
    try (Stream<Path> files = Files.list(workload.probes)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".stamps")).toList()) {
        for (String line : Files.readAllLines(p)) {
          if (line.startsWith("overlap")) {
            overlaps.add(p.getFileName() + ": " + line);
          } else if (line.startsWith("start")) {
            starts++;
          }
        }
      }
    }
    assertThat(overlaps).as("no two attempts of a job ran at once").isEmpty();
    figures.put("process_starts", starts);
    return figures;
  }

  private UUID[] runs() {
    return workload.runIds.stream().map(UUID::fromString).toArray(UUID[]::new);
  }

  long count(Connection c, String sql) throws SQLException {
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setArray(1, c.createArrayOf("uuid", runs()));
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  List<String> list(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement(sql)) {
      st.setArray(1, c.createArrayOf("uuid", runs()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }
}
