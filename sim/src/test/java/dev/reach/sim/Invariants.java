package dev.reach.sim;

import dev.reach.shared.job.JobState;
import dev.reach.shared.job.Transitions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The promise, checked after every seed from the simulated runners' process records and from
 * Postgres ({@code runs}, {@code jobs}, {@code events}):
 * (a) no two attempts of a job ran at overlapping times;
 * (b) every completion answered as accepted is in the events exactly once, and no job has two terminal events;
 * (c) every submitted job exists (each run once per idempotency key, with all its jobs);
 * (d) replaying a job's events in order, every transition is legal, nothing follows a terminal state,
 *     and the replay ends in the job's current state;
 * (e) every job is terminal once the faults are over and the system has settled.
 */
final class Invariants {
  private Invariants() {}

  static List<String> check(World w) {
    List<String> v = new ArrayList<>();
    noOverlap(w, v);
    UUID[] runIds = w.book().createdRuns().values().toArray(UUID[]::new);
    Map<UUID, String> jobNames = runsAndJobs(w, v);
    events(w, runIds, jobNames, v);
    return v;
  }

  /** Jobs of the seed's created runs that are not terminal (one query). */
  static long unfinishedJobs(World w) {
    UUID[] runIds = w.book().createdRuns().values().toArray(UUID[]::new);
    RowSet<Row> rows = w.env().db().pool().preparedQuery(
        "SELECT count(*) FROM jobs WHERE run_id = ANY($1) AND state NOT IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'QUARANTINED')")
        .execute(Tuple.tuple().addArrayOfUUID(runIds)).await();
    return rows.iterator().next().getLong(0);
  }

  // (a)
  private static void noOverlap(World w, List<String> v) {
    Map<String, List<ProcessRecord>> byJob = new LinkedHashMap<>();
    for (ProcessRecord p : w.book().processes()) {
      byJob.computeIfAbsent(p.job(), k -> new ArrayList<>()).add(p);
    }
    byJob.forEach((job, list) -> {
      for (int i = 0; i < list.size(); i++) {
        for (int k = i + 1; k < list.size(); k++) {
          if (list.get(i).overlaps(list.get(k))) {
            v.add("(a) two attempts of job " + job + " ran at the same time: " + list.get(i).describe(w.startMs()) + " and "
                + list.get(k).describe(w.startMs()));
          }
        }
      }
    });
  }

  // (c) and (e), in one query; returns "name=STATE" by job id
  private static Map<UUID, String> runsAndJobs(World w, List<String> v) {
    Plan plan = w.plan();
    if (w.book().createdRuns().size() != plan.runs().size()) {
      v.add("(c) only " + w.book().createdRuns().size() + " of " + plan.runs().size() + " submitted runs were created");
    }
    String[] keys = new String[plan.runs().size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = w.prefix() + plan.runs().get(i).key();
    }
    RowSet<Row> rows = w.env().db().pool().preparedQuery(
        "SELECT r.idempotency_key, r.id AS run_id, r.job_count, j.id, j.name, j.state::text AS state"
            + " FROM runs r LEFT JOIN jobs j ON j.run_id = r.id WHERE r.idempotency_key = ANY($1)")
        .execute(Tuple.tuple().addArrayOfString(keys)).await();
    Map<String, java.util.Set<UUID>> runsByKey = new HashMap<>();
    Map<UUID, Integer> jobsByRun = new HashMap<>();
    Map<UUID, Integer> jobCount = new HashMap<>();
    Map<UUID, String> names = new HashMap<>();
    for (Row r : rows) {
      UUID run = r.getUUID("run_id");
      runsByKey.computeIfAbsent(r.getString("idempotency_key"), k -> new java.util.HashSet<>()).add(run);
      jobCount.put(run, r.getInteger("job_count"));
      if (r.getUUID("id") == null) {
        continue;
      }
      jobsByRun.merge(run, 1, Integer::sum);
      names.put(r.getUUID("id"), r.getString("name") + "=" + r.getString("state"));
      if (!JobState.valueOf(r.getString("state")).isTerminal()) {
        v.add("(e) job " + r.getString("name") + " is still " + r.getString("state") + " after the run settled");
      }
    }
    jobCount.forEach((run, n) -> {
      if (jobsByRun.getOrDefault(run, 0).intValue() != n) {
        v.add("(c) run " + run + " has " + jobsByRun.getOrDefault(run, 0) + " of its " + n + " jobs");
      }
    });
    for (int i = 0; i < keys.length; i++) {
      UUID created = w.book().createdRuns().get(i);
      java.util.Set<UUID> found = runsByKey.getOrDefault(keys[i], java.util.Set.of());
      if (created != null && (found.size() != 1 || !found.contains(created))) {
        v.add("(c) run " + i + " was accepted as " + created + " but the database holds " + found + " for its key");
      }
      if (created != null && plan.runs().get(i).jobs().size() != jobsByRun.getOrDefault(created, 0)) {
        v.add("(c) run " + i + " was submitted with " + plan.runs().get(i).jobs().size() + " jobs; "
            + jobsByRun.getOrDefault(created, 0) + " exist");
      }
    }
    return names;
  }

  // (b) and (d)
  private static void events(World w, UUID[] runIds, Map<UUID, String> jobs, List<String> v) {
    RowSet<Row> rows = w.env().db().pool().preparedQuery(
        "SELECT seq, type, job_id, token, payload->>'to' AS to_state FROM events"
            + " WHERE run_id = ANY($1) AND job_id IS NOT NULL ORDER BY seq").execute(Tuple.tuple().addArrayOfUUID(runIds)).await();
    Map<UUID, JobState> replay = new HashMap<>();
    Map<Long, Integer> completedEvents = new HashMap<>();
    Map<UUID, Integer> terminalEvents = new HashMap<>();
    for (Row r : rows) {
      UUID job = r.getUUID("job_id");
      String name = nameOf(jobs, job);
      String type = r.getString("type");
      JobState to = switch (type) {
        case "job_leased" -> JobState.LEASED;
        case "job_started" -> JobState.RUNNING;
        case "attempt_completed", "attempt_lost", "attempt_released" -> JobState.valueOf(r.getString("to_state"));
        default -> null;
      };
      if (type.equals("attempt_completed")) {
        completedEvents.merge(r.getLong("token"), 1, Integer::sum);
      }
      if (to == null) {
        continue;
      }
      JobState from = replay.getOrDefault(job, JobState.QUEUED);
      if (from.isTerminal()) {
        v.add("(d) job " + name + " changed after its terminal state " + from + ": " + type + " -> " + to + " (seq " + r.getLong("seq") + ")");
      } else if (!Transitions.isLegal(from, to)) {
        v.add("(d) job " + name + ": illegal transition " + from + " -> " + to + " by " + type + " (seq " + r.getLong("seq") + ")");
      }
      if (to.isTerminal()) {
        terminalEvents.merge(job, 1, Integer::sum);
      }
      replay.put(job, to);
    }
    for (Map.Entry<UUID, String> j : jobs.entrySet()) {
      String state = j.getValue().substring(j.getValue().indexOf('=') + 1);
      JobState replayed = replay.getOrDefault(j.getKey(), JobState.QUEUED);
      if (!replayed.name().equals(state)) {
        v.add("(d) job " + nameOf(jobs, j.getKey()) + ": its events replay to " + replayed + " but it is " + state);
      }
      if (terminalEvents.getOrDefault(j.getKey(), 0) > 1) {
        v.add("(b) job " + nameOf(jobs, j.getKey()) + " has " + terminalEvents.get(j.getKey()) + " terminal events");
      }
    }
    completedEvents.forEach((token, n) -> {
      if (n > 1) {
        v.add("(b) attempt " + w.book().label(token) + " has " + n + " attempt_completed events");
      }
    });
    for (Long token : w.book().acceptedTokens()) {
      if (completedEvents.getOrDefault(token, 0) != 1) {
        v.add("(b) the accepted completion of " + w.book().label(token) + " has " + completedEvents.getOrDefault(token, 0)
            + " attempt_completed events");
      }
    }
  }

  private static String nameOf(Map<UUID, String> jobs, UUID id) {
    String s = jobs.get(id);
    return s == null ? String.valueOf(id) : s.substring(0, s.indexOf('='));
  }
}
