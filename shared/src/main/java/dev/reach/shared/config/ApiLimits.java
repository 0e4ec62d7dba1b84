package dev.reach.shared.config;

/**
 * What the hub accepts from one client: {@code REACH_RATE_LIMIT_PER_SECOND} requests a second per token
 * (per client address with auth off) with bursts up to {@code REACH_RATE_LIMIT_BURST} — beyond that
 * {@code 429 RATE_LIMITED} with {@code Retry-After}; 0 turns the limit off — and request bodies nested at
 * most {@code REACH_MAX_JSON_DEPTH} deep with no JSON string longer than {@code REACH_MAX_JSON_STRING_CHARS}.
 * (The body size limit is {@code REACH_MAX_BODY_BYTES}.)
 */
public record ApiLimits(int ratePerSecond, int rateBurst, int maxJsonDepth, int maxJsonStringChars) {

  public static ApiLimits from(EnvReader r) {
    int rate = r.intValue("REACH_RATE_LIMIT_PER_SECOND", 100, 0, 1_000_000);
    int burst = r.intValue("REACH_RATE_LIMIT_BURST", 200, 1, 10_000_000);
    int depth = r.intValue("REACH_MAX_JSON_DEPTH", 16, 2, 256);
    int chars = r.intValue("REACH_MAX_JSON_STRING_CHARS", 128 * 1024, 1024, 64 * 1024 * 1024);
    return new ApiLimits(rate, burst, depth, chars);
  }

  public boolean rateLimited() {
    return ratePerSecond > 0;
  }
}
