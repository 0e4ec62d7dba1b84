package dev.reach.shared.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How an event is hashed into the chain. The hashed text is the canonical JSON
 * ({@link CanonicalJson}) of {@code {"at", "job_id", "payload", "pos", "prev_hash", "run_id", "seq",
 * "token", "type"}}; the hash is its SHA-256 as 64 lowercase hex digits. The first seal links to
 * {@link #GENESIS}. Times are UTC with microseconds, Postgres' precision
 * ({@code 2026-11-01T10:05:00.123456Z}).
 */
public final class ChainEncoding {
  /** The {@code prev_hash} of the first seal. */
  public static final String GENESIS = "0".repeat(64);

  private static final DateTimeFormatter AT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();

  private ChainEncoding() {}

  public static String formatAt(OffsetDateTime at) {
    return AT.format(at.toInstant());
  }

  public static String formatAt(Instant at) {
    return AT.format(at);
  }

  /** The text that is hashed for {@code e} at position {@code pos} after {@code prevHash}. */
  public static String canonical(SealedEvent e, long pos, String prevHash) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", e.at());
    m.put("job_id", e.jobId());
    m.put("payload", e.payload());
    m.put("pos", pos);
    m.put("prev_hash", prevHash);
    m.put("run_id", e.runId());
    m.put("seq", e.seq());
    m.put("token", e.token());
    m.put("type", e.type());
    return CanonicalJson.encode(m);
  }

  /** The hash of {@code e} sealed at {@code pos} after {@code prevHash}. */
  public static String hash(SealedEvent e, long pos, String prevHash) {
    return HEX.formatHex(sha256().digest(canonical(e, pos, prevHash).getBytes(StandardCharsets.UTF_8)));
  }

  /** The hash {@code e} should carry, from its own position and prev_hash (only for a sealed event). */
  public static String expectedHash(SealedEvent e) {
    return hash(e, e.pos(), e.prevHash());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
