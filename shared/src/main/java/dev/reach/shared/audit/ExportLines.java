package dev.reach.shared.audit;

import io.vertx.core.json.JsonObject;

/**
 * The JSON-lines export of the event log ({@code GET /admin/api/events}, {@code reachctl audit
 * export}): a header line, one line per event in chain (seq) order ({@link SealedEvent#toJson()}),
 * and an end line. The end line is written only when every event was written, so an export without
 * one was cut off.
 *
 * <pre>
 * {"reach_event_export":{"version":1,"since":0,"run_id":null,"sealed_through":{"pos":1200,"seq":1240,"hash":"…"}}}
 * {"pos":1,"seq":1,"at":"2026-11-01T10:05:00.123456Z","type":"run_submitted",…,"prev_hash":"000…","hash":"ab…"}
 * …
 * {"reach_event_export_end":{"events":1275,"sealed":1200,"unsealed":75}}
 * </pre>
 *
 * {@code sealed_through} is the chain's head when the export began (null: nothing sealed yet);
 * events after it are written unsealed (no {@code pos}, {@code prev_hash}, {@code hash}), even if
 * they were sealed while the export ran, so the sealed lines always form one unbroken stretch.
 */
public final class ExportLines {
  public static final String HEADER = "reach_event_export";
  public static final String END = "reach_event_export_end";
  public static final int VERSION = 1;

  private ExportLines() {}

  /** {@code head} is {@code {"pos", "seq", "hash"}} or null. */
  public static JsonObject header(long since, String runId, JsonObject head) {
    return new JsonObject().put(HEADER, new JsonObject()
        .put("version", VERSION).put("since", since).put("run_id", runId).put("sealed_through", head));
  }

  public static JsonObject end(long events, long sealed) {
    return new JsonObject().put(END, new JsonObject()
        .put("events", events).put("sealed", sealed).put("unsealed", events - sealed));
  }
}
