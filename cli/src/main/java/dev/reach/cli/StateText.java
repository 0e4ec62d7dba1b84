package dev.reach.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** dump-state as readable text: one section per part, tables where rows line up. */
final class StateText {
  private StateText() {}

  static String render(JsonObject s) {
    StringBuilder out = new StringBuilder();
    String nl = System.lineSeparator();
    JsonObject run = s.getJsonObject("run", new JsonObject());
    out.append("run ").append(run.getString("id")).append(" \"").append(run.getString("name")).append("\" ")
        .append(run.getString("state")).append(nl)
        .append("  created ").append(run.getString("created_at"))
        .append(", cancel requested ").append(orDash(run.getValue("cancel_requested_at")))
        .append(", purged ").append(orDash(run.getValue("purged_at")))
        .append(", requeue of ").append(orDash(run.getValue("requeue_of")))
        .append(", idempotency key ").append(orDash(run.getValue("idempotency_key"))).append(nl)
        .append("  database time ").append(s.getString("db_now")).append(nl).append(nl);

    JsonArray jobs = s.getJsonArray("jobs", new JsonArray());
    TextTable jt = new TextTable("JOB", "STATE", "ATTEMPT", "FAILED", "LOST", "TOKEN", "RUNNER", "INCARNATION", "EXIT",
        "REASON", "ENDED");
    TextTable at = new TextTable("JOB", "#", "TOKEN", "RUNNER", "INCARNATION", "STATE", "REASON", "EXIT", "LEASED",
        "STARTED", "ENDED");
    for (int i = 0; i < jobs.size(); i++) {
      JsonObject j = jobs.getJsonObject(i);
      jt.row(j.getString("name"), j.getString("state"), j.getValue("attempt"),
          j.getValue("failed_attempts") + "/" + j.getValue("max_attempts"),
          j.getValue("lost_attempts") + "/" + j.getValue("max_lost_attempts"), j.getValue("lease_token"),
          j.getValue("runner_id"), j.getValue("incarnation"), j.getValue("exit_code"), j.getValue("reason"),
          j.getValue("ended_at"));
      JsonArray attempts = j.getJsonArray("attempts", new JsonArray());
      for (int k = 0; k < attempts.size(); k++) {
        JsonObject a = attempts.getJsonObject(k);
        at.row(j.getString("name"), a.getValue("number"), a.getValue("token"), a.getValue("runner_id"),
            a.getValue("incarnation"), a.getValue("state"), a.getValue("reason"), a.getValue("exit_code"),
            a.getValue("leased_at"), a.getValue("started_at"), a.getValue("ended_at"));
      }
    }
    out.append("jobs:").append(nl).append(indent(jt.render())).append(nl);
    out.append("attempts:").append(nl).append(indent(at.render())).append(nl);

    JsonArray leases = s.getJsonArray("leases", new JsonArray());
    out.append("leases (database):").append(nl);
    if (leases.isEmpty()) {
      out.append("  none").append(nl);
    } else {
      TextTable lt = new TextTable("JOB", "STATE", "TOKEN", "RUNNER", "INCARNATION", "EXPIRES AT", "IN MS",
          "RUNNER INCARNATION NOW", "LAST HEARTBEAT");
      for (int i = 0; i < leases.size(); i++) {
        JsonObject l = leases.getJsonObject(i);
        lt.row(l.getValue("job_name"), l.getValue("state"), l.getValue("token"), l.getValue("runner_id"),
            l.getValue("incarnation"), l.getValue("lease_expires_at"), l.getValue("expires_in_ms"),
            l.getValue("runner_incarnation_now"), l.getValue("runner_last_heartbeat_at"));
      }
      out.append(indent(lt.render()));
    }
    out.append(nl);

    JsonArray views = s.getJsonArray("runner_views", new JsonArray());
    out.append("runners' own view:").append(nl);
    if (views.isEmpty()) {
      out.append("  no runner holds or held a lease of this run").append(nl);
    }
    for (int i = 0; i < views.size(); i++) {
      JsonObject v = views.getJsonObject(i);
      if (v.getString("error") != null) {
        out.append("  ").append(v.getString("runner_id")).append(": no answer (").append(v.getString("error"))
            .append(")").append(nl);
        continue;
      }
      out.append("  ").append(v.getString("runner_id")).append(" (incarnation ").append(v.getString("incarnation"))
          .append(", ").append(v.getValue("slots")).append(" slots").append(v.getBoolean("draining", false)
              ? ", draining" : "").append(")").append(nl);
      JsonArray held = v.getJsonArray("held", new JsonArray());
      if (held.isEmpty()) {
        out.append("    holds no lease of this run").append(nl);
      }
      for (int k = 0; k < held.size(); k++) {
        JsonObject h = held.getJsonObject(k);
        out.append("    ").append(h.getString("job_name")).append(" token ").append(h.getValue("token"))
            .append(": lease ").append(h.getValue("lease_remaining_ms")).append(" ms left on its watcher (pid ")
            .append(orDash(h.getValue("watcher_pid"))).append("), job process group ").append(orDash(h.getValue("pgid"))).append(", start reported ").append(h.getBoolean("start_reported", false)
                ? "yes" : "no")
            .append(", ended ").append(orDash(h.getValue("ended"))).append(", completion ")
            .append(h.getString("completion")).append(nl);
      }
      JsonArray buffered = v.getJsonArray("buffered_reports", new JsonArray());
      out.append("    buffered reports: ").append(buffered.isEmpty() ? "none" : "").append(nl);
      for (int k = 0; k < buffered.size(); k++) {
        out.append("      ").append(buffered.getJsonObject(k).encode()).append(nl);
      }
    }
    out.append(nl);

    JsonArray events = s.getJsonArray("events", new JsonArray());
    out.append("events (").append(events.size()).append(" of ").append(s.getValue("event_count")).append("):")
        .append(nl);
    TextTable et = new TextTable("SEQ", "AT", "TYPE", "JOB", "TOKEN", "PAYLOAD");
    for (int i = 0; i < events.size(); i++) {
      JsonObject e = events.getJsonObject(i);
      Object payload = e.getValue("payload");
      et.row(e.getValue("seq"), e.getValue("at"), e.getValue("type"), e.getValue("job_id"), e.getValue("token"),
          payload == null ? null : payload instanceof JsonObject o ? o.encode() : String.valueOf(payload));
    }
    out.append(indent(et.render()));
    return out.toString();
  }

  private static Object orDash(Object v) {
    return v == null ? "-" : v;
  }

  private static String indent(String block) {
    StringBuilder sb = new StringBuilder();
    for (String line : block.split("\\R")) {
      sb.append("  ").append(line).append(System.lineSeparator());
    }
    return sb.toString();
  }
}
