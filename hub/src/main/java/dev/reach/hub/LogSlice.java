package dev.reach.hub;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Base64;

/**
 * One reply of {@code LOG_READ}: the bytes from {@code offset}, the log's stored size and whether
 * it is sealed (complete). A log not written yet has size 0 and is not sealed.
 */
record LogSlice(byte[] data, long offset, long size, boolean sealed) {
  static LogSlice fromReply(JsonObject reply, long requestedOffset) {
    byte[] data;
    long offset;
    long size;
    boolean sealed;
    try {
      data = data(reply.getValue("data"));
      offset = reply.getLong("offset", requestedOffset);
      size = reply.getLong("size", 0L);
      sealed = reply.getBoolean("sealed", false);
    } catch (RuntimeException e) {
      throw malformed("mistyped field");
    }
    if (offset != requestedOffset) {
      throw malformed("slice at offset " + offset + " for a read at " + requestedOffset);
    }
    return new LogSlice(data == null ? new byte[0] : data, offset, size, sealed);
  }

  /**
   * The bytes of {@code data}: Vert.x's own JSON binary form (base64url, as written by
   * {@code JsonObject.put(String, byte[])} and read by {@code getBinary}) or standard base64.
   */
  private static byte[] data(Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    if (value instanceof Buffer buffer) {
      return buffer.getBytes();
    }
    String text = (String) value;
    try {
      return Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException notUrlSafe) {
      return Base64.getDecoder().decode(text);
    }
  }

  /** True when every stored byte up to {@code position} has been read. */
  boolean readUpTo(long position) {
    return position >= size;
  }

  private static ReachException malformed(String what) {
    return new ReachException(ErrorCode.INTERNAL, "malformed log slice from the artifact store: " + what);
  }
}
