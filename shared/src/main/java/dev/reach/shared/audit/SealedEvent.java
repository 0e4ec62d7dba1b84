package dev.reach.shared.audit;

import io.vertx.core.json.JsonObject;

/**
 * One event as the chain holds it and as an export line carries it:
 * {@code {"pos", "seq", "at", "type", "run_id", "job_id", "token", "payload", "prev_hash", "hash"}}.
 * {@code pos}, {@code prevHash} and {@code hash} are null for an event not sealed yet. {@code at} is
 * the canonical UTC text of the event's time ({@link ChainEncoding#formatAt}), kept as text so what
 * was hashed is what is written.
 */
public record SealedEvent(
    Long pos, long seq, String at, String type, String runId, String jobId, Long token, JsonObject payload,
    String prevHash, String hash) {

  public boolean sealed() {
    return pos != null;
  }

  /** The same event with its seal. */
  public SealedEvent withSeal(long pos, String prevHash, String hash) {
    return new SealedEvent(pos, seq, at, type, runId, jobId, token, payload, prevHash, hash);
  }

  /** The same event as not sealed (an export's tail beyond the chain head it started from). */
  public SealedEvent unsealed() {
    return new SealedEvent(null, seq, at, type, runId, jobId, token, payload, null, null);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("pos", pos)
        .put("seq", seq)
        .put("at", at)
        .put("type", type)
        .put("run_id", runId)
        .put("job_id", jobId)
        .put("token", token)
        .put("payload", payload)
        .put("prev_hash", prevHash)
        .put("hash", hash);
  }

  /** Reads an export line's object; a missing or mistyped field throws {@link IllegalArgumentException} naming it. */
  public static SealedEvent fromJson(JsonObject o) {
    return new SealedEvent(optLong(o, "pos"), reqLong(o, "seq"), reqString(o, "at"), reqString(o, "type"),
        optString(o, "run_id"), optString(o, "job_id"), optLong(o, "token"), payload(o), optString(o, "prev_hash"),
        optString(o, "hash"));
  }

  private static JsonObject payload(JsonObject o) {
    Object v = o.getValue("payload");
    if (v instanceof JsonObject p) {
      return p;
    }
    throw new IllegalArgumentException("field 'payload' must be a JSON object");
  }

  private static long reqLong(JsonObject o, String f) {
    Long v = optLong(o, f);
    if (v == null) {
      throw new IllegalArgumentException("field '" + f + "' is required");
    }
    return v;
  }

  private static Long optLong(JsonObject o, String f) {
    Object v = o.getValue(f);
    if (v == null) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw new IllegalArgumentException("field '" + f + "' must be an integer");
  }

  private static String reqString(JsonObject o, String f) {
    String v = optString(o, f);
    if (v == null) {
      throw new IllegalArgumentException("field '" + f + "' is required");
    }
    return v;
  }

  private static String optString(JsonObject o, String f) {
    Object v = o.getValue(f);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw new IllegalArgumentException("field '" + f + "' must be a string");
  }
}
