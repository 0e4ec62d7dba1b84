package dev.reach.runner.journal;

import dev.reach.shared.bus.CompletionReport;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One journaled completion: the report exactly as it is (re-)sent, and which incarnation wrote it when. */
public record JournalEntry(CompletionReport report, String incarnation, Instant writtenAt) {
  public JsonObject toJson() {
    return new JsonObject()
        .put("incarnation", incarnation)
        .put("written_at", writtenAt.toString())
        .put("report", report.toJson());
  }

  public static JournalEntry fromJson(JsonObject o) {
    return new JournalEntry(
        CompletionReport.fromJson(o.getJsonObject("report")),
        o.getString("incarnation", "unknown"),
        Instant.parse(o.getString("written_at")));
  }
}
