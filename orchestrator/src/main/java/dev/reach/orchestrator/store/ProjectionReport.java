package dev.reach.orchestrator.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a projection rebuild found and did: the events it replayed (before and while holding
 * transitions back), per table how many rows were missing, extra or changed, the first
 * {@link ProjectionRebuild#MAX_LISTED} differing rows column by column, whether they were swapped
 * in, how long transitions were held back, and the sequence number of its own event.
 */
public record ProjectionReport(boolean dryRun, String actor, String reason, long replayed, long replayedWhileHeld,
    long through, Map<String, JsonObject> counts, List<RowDifference> rows, boolean swapped, long replayMs,
    long heldMs, Long eventSeq) {

  /** The projection tables, in report order. */
  public static final List<String> TABLES = List.of("runs", "jobs", "attempts", "dead_letters");

  /** One row that differs: {@code missing} (only the replay has it), {@code extra} (only the live table), {@code changed}. */
  public record RowDifference(String table, String key, String kind, JsonObject columns) {
    static RowDifference of(String table, String key, JsonObject live, JsonObject rebuilt) {
      String kind = live == null ? "missing" : rebuilt == null ? "extra" : "changed";
      JsonObject columns = new JsonObject();
      TreeSet<String> names = new TreeSet<>();
      if (live != null) {
        names.addAll(live.fieldNames());
      }
      if (rebuilt != null) {
        names.addAll(rebuilt.fieldNames());
      }
      for (String n : names) {
        Object l = live == null ? null : live.getValue(n);
        Object r = rebuilt == null ? null : rebuilt.getValue(n);
        if (live == null || rebuilt == null || !java.util.Objects.equals(l, r)) {
          columns.put(n, new JsonObject().put("live", l).put("rebuilt", r));
        }
      }
      return new RowDifference(table, key, kind, columns);
    }

    public JsonObject toJson() {
      return new JsonObject().put("table", table).put("key", key).put("kind", kind).put("columns", columns);
    }
  }

  public long total() {
    return counts.values().stream().mapToLong(c -> c.getLong("missing") + c.getLong("extra") + c.getLong("changed")).sum();
  }

  ProjectionReport withEventSeq(long seq) {
    return new ProjectionReport(dryRun, actor, reason, replayed, replayedWhileHeld, through, counts, rows, swapped,
        replayMs, heldMs, seq);
  }

  private JsonObject countsJson() {
    JsonObject o = new JsonObject();
    counts.forEach((table, c) -> o.put(table, c.copy()));
    return o;
  }

  /** The payload of the rebuild's event: who, why, and the figures (not the rows). */
  JsonObject eventPayload() {
    return new JsonObject()
        .put("actor", actor)
        .put("reason", reason)
        .put("dry_run", dryRun)
        .put("events_replayed", replayed + replayedWhileHeld)
        .put("through_seq", through)
        .put("differences", total())
        .put("tables", countsJson())
        .put("swapped", swapped)
        .put("held_ms", heldMs);
  }

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    rows.forEach(r -> list.add(r.toJson()));
    return eventPayload()
        .put("events_replayed_before_hold", replayed)
        .put("events_replayed_while_held", replayedWhileHeld)
        .put("replay_ms", replayMs)
        .put("rows", list)
        .put("rows_listed", list.size())
        .put("event_seq", eventSeq);
  }
}
