package dev.reach.orchestrator.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every row of the projection tables (live, or the replay's), as Postgres renders it, in a stable order. */
final class ProjectionRows {
  private ProjectionRows() {}

  static Map<String, List<String>> live(StoreFixture f) {
    return of(f, "");
  }

  static Map<String, List<String>> replayed(StoreFixture f) {
    return of(f, "reach_replay.");
  }

  private static Map<String, List<String>> of(StoreFixture f, String schema) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    DbSnapshots snapshots = new DbSnapshots(f);
    for (String table : ProjectionReport.TABLES) {
      out.put(table, snapshots.texts("SELECT to_jsonb(t)::text FROM " + schema + table + " t ORDER BY 1"));
    }
    return out;
  }
}
