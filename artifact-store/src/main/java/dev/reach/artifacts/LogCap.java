package dev.reach.artifacts;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log size cap: bytes up to the cap are stored; the first byte past it writes one marker line
 * {@code \n[reach: log truncated at N bytes]\n} and everything later is counted but dropped.
 */
final class LogCap {
  private static final Pattern MARKER = Pattern.compile("\n\\[reach: log truncated at (\\d{1,19}) bytes]\n$");
  /** Enough of a file's end to hold any marker. */
  static final int TAIL_BYTES = 64;

  /** What to write for one chunk: {@code data} (possibly empty), then the marker when not null. */
  record Plan(Buffer data, byte[] marker) {
    boolean writesNothing() {
      return data.length() == 0 && marker == null;
    }
  }

  private final long cap;
  private final byte[] marker;

  LogCap(long cap) {
    this.cap = cap;
    this.marker = marker(cap);
  }

  static byte[] marker(long cap) {
    return ("\n[reach: log truncated at " + cap + " bytes]\n").getBytes(StandardCharsets.US_ASCII);
  }

  long cap() {
    return cap;
  }

  /** Plans the write of {@code fresh} (bytes not received before) onto a log of {@code stored} bytes. */
  Plan plan(long stored, boolean truncated, Buffer fresh) {
    if (truncated || fresh.length() == 0) {
      return new Plan(Buffer.buffer(), null);
    }
    long room = Math.max(0, cap - stored);
    if (fresh.length() <= room) {
      return new Plan(fresh, null);
    }
    return new Plan(fresh.slice(0, (int) room), marker);
  }

  /**
   * Whether a file of {@code size} bytes ending with {@code tail} is a truncated log: it ends with a
   * marker whose cap plus the marker's own length is exactly the file size.
   */
  static boolean isTruncated(long size, byte[] tail) {
    Matcher m = MARKER.matcher(new String(tail, StandardCharsets.ISO_8859_1));
    if (!m.find()) {
      return false;
    }
    try {
      long n = Long.parseLong(m.group(1));
      return n + marker(n).length == size;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
