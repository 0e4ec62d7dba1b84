package dev.reach.cli.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The proof from outside Reach that no two attempts of a job ran at once: the {@link ProbeJob} stamps.
 * No attempt found its job's lock held ({@code overlap}); an attempt that started while an earlier one
 * had not stamped its end could only take the lock because that one's processes were dead, and Reach
 * must then count the earlier one {@code LOST}, never as a completion; every succeeded job's last
 * attempt stamped its end; every probe job stamped at all.
 */
final class StampCheck {
  private StampCheck() {}

  /** {@code stamps}: lines {@code KEY start|end|overlap ATTEMPT NANOS}. */
  static Check check(String stamps, List<JsonObject> runs, DrillWorkload workload, String poisonJob) {
    return check(stamps, runs, workload, poisonJob, Long.MAX_VALUE);
  }

  /**
   * {@code erasedFromMs}: a database restore's restore point (epoch ms; db-restore). An attempt that
   * started after it was granted by the database that was then destroyed: Reach's history no longer has
   * it (the restored job reuses its number), so its unended death needs no LOST — it still may not
   * overlap anything (the lock says so).
   */
  static Check check(String stamps, List<JsonObject> runs, DrillWorkload workload, String poisonJob, long erasedFromMs) {
    Map<String, List<String[]>> perKey = new TreeMap<>();
    for (String line : stamps.split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length == 4) {
        perKey.computeIfAbsent(f[0], k -> new ArrayList<>()).add(f);
      }
    }
    List<String> problems = new ArrayList<>();
    int probeJobs = 0;
    int superseded = 0;
    int[] erased = new int[1];
    for (JsonObject run : runs) {
      for (Object o : run.getJsonArray("jobs")) {
        JsonObject job = (JsonObject) o;
        if (run.getString("id").equals(workload.poisonRun()) && job.getString("name").equals(poisonJob)) {
          continue;
        }
        probeJobs++;
        String key = workload.key(run.getString("id"), job.getString("name"));
        List<String[]> lines = perKey.getOrDefault(key, List.of());
        if (lines.isEmpty()) {
          problems.add(key + ": no stamps (the job never ran its command)");
          continue;
        }
        superseded += checkJob(key, lines, job, problems, erasedFromMs, erased);
      }
    }
    return new Check("no two attempts of a job at once", problems.isEmpty(), problems.isEmpty()
        ? probeJobs + " jobs' flock stamps: no overlap; " + (superseded - erased[0]) + " attempt(s) killed before their end,"
            + " each counted LOST" + (erased[0] == 0 ? "" : "; " + erased[0] + " attempt(s) granted after the restore point"
            + " killed (their database was destroyed), none overlapping")
        : String.join("; ", problems.subList(0, Math.min(5, problems.size()))));
  }

  private static int checkJob(String key, List<String[]> lines, JsonObject job, List<String> problems, long erasedFromMs,
      int[] erased) {
    Map<String, String> stateOf = new HashMap<>();
    for (Object a : job.getJsonArray("attempts", new JsonArray())) {
      JsonObject attempt = (JsonObject) a;
      stateOf.put(Integer.toString(attempt.getInteger("number")), attempt.getString("state"));
    }
    lines.sort((a, b) -> Long.compare(Long.parseLong(a[3]), Long.parseLong(b[3])));
    String open = null;
    long openedAtMs = 0;
    int superseded = 0;
    for (String[] f : lines) {
      switch (f[1]) {
        case "overlap" -> problems.add(key + ": attempt " + f[2] + " found the job's lock held by another attempt");
        case "start" -> {
          if (open != null) {
            superseded++;
            if (openedAtMs >= erasedFromMs) {
              erased[0]++;
            } else if (!"LOST".equals(stateOf.get(open))) {
              problems.add(key + ": attempt " + f[2] + " started after attempt " + open + " died unended, but Reach"
                  + " counts attempt " + open + " " + stateOf.get(open) + ", not LOST");
            }
          }
          open = f[2];
          openedAtMs = Long.parseLong(f[3]) / 1_000_000;
        }
        case "end" -> {
          if (!f[2].equals(open)) {
            problems.add(key + ": attempt " + f[2] + " stamped its end while "
                + (open == null ? "no attempt had started" : "attempt " + open + " was the one running"));
          }
          open = null;
        }
        default -> problems.add(key + ": unreadable stamp " + String.join(" ", f));
      }
    }
    if (open != null && "SUCCEEDED".equals(job.getString("state"))) {
      problems.add(key + ": the job SUCCEEDED but its last attempt " + open + " never stamped its end");
    }
    return superseded;
  }
}
