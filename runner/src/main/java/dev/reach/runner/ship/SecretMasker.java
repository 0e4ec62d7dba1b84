package dev.reach.runner.ship;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces every secret value in a byte stream by {@code ***} as the stream passes, also when a
 * value is split across writes. It matches the values' UTF-8 bytes, leftmost first and, where
 * values overlap, the longest; it holds back only a tail that could still be the start of a value
 * (at most the longest value's length minus one byte) until the next write tells, and
 * {@link #finish()} lets that tail go at the end of the stream. Writes and the finish may come from
 * different threads; they are serialised.
 */
public final class SecretMasker {
  /** Where masked bytes go. */
  public interface Sink {
    void accept(byte[] bytes, int length);
  }

  static final byte[] MASK = "***".getBytes(StandardCharsets.US_ASCII);
  private final byte[][] secrets; // longest first
  private final boolean[] firstByte = new boolean[256];
  private final Sink sink;
  private byte[] held = new byte[0];
  private boolean finished;

  public SecretMasker(Collection<String> values, Sink sink) {
    List<byte[]> list = new ArrayList<>();
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        byte[] b = v.getBytes(StandardCharsets.UTF_8);
        list.add(b);
        firstByte[b[0] & 0xff] = true;
      }
    }
    list.sort(Comparator.comparingInt((byte[] b) -> b.length).reversed());
    this.secrets = list.toArray(new byte[0][]);
    this.sink = sink;
  }

  /** Whether there is anything to mask at all (else writes pass straight through). */
  public boolean active() {
    return secrets.length > 0;
  }

  public synchronized void write(byte[] bytes, int length) {
    if (finished) {
      return;
    }
    if (!active()) {
      sink.accept(bytes, length);
      return;
    }
    byte[] data;
    if (held.length == 0) {
      data = Arrays.copyOf(bytes, length);
    } else {
      data = Arrays.copyOf(held, held.length + length);
      System.arraycopy(bytes, 0, data, held.length, length);
    }
    held = scan(data, false);
  }

  /** The end of the stream: what was held back goes out (masked if it is a whole value). Idempotent. */
  public synchronized void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (held.length > 0) {
      scan(held, true);
      held = new byte[0];
    }
  }

  /** Emits {@code data} masked; returns the tail held back (empty at the end of the stream). */
  private byte[] scan(byte[] data, boolean end) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
    int i = 0;
    int plainFrom = 0;
    while (i < data.length) {
      if (!firstByte[data[i] & 0xff]) {
        i++;
        continue;
      }
      int whole = 0;
      boolean couldGrow = false;
      for (byte[] s : secrets) {
        int avail = data.length - i;
        if (s.length <= avail) {
          if (whole == 0 && matches(data, i, s, s.length)) {
            whole = s.length; // longest whole match (secrets are longest first)
          }
        } else if (!end && matches(data, i, s, avail)) {
          couldGrow = true; // the rest of the data is the start of a longer value: wait and see
        }
      }
      if (couldGrow) {
        out.write(data, plainFrom, i - plainFrom);
        emit(out);
        return Arrays.copyOfRange(data, i, data.length);
      }
      if (whole > 0) {
        out.write(data, plainFrom, i - plainFrom);
        out.write(MASK, 0, MASK.length);
        i += whole;
        plainFrom = i;
      } else {
        i++;
      }
    }
    out.write(data, plainFrom, data.length - plainFrom);
    emit(out);
    return new byte[0];
  }

  private void emit(ByteArrayOutputStream out) {
    if (out.size() > 0) {
      sink.accept(out.toByteArray(), out.size());
    }
  }

  private static boolean matches(byte[] data, int at, byte[] secret, int n) {
    for (int k = 0; k < n; k++) {
      if (data[at + k] != secret[k]) {
        return false;
      }
    }
    return true;
  }

  /** Masks a whole text at once (for messages built from output). */
  public static String mask(String text, Collection<String> values) {
    if (text == null) {
      return null;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SecretMasker m = new SecretMasker(values, (b, n) -> out.write(b, 0, n));
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    m.write(bytes, bytes.length);
    m.finish();
    return out.toString(StandardCharsets.UTF_8);
  }
}
