package dev.reach.shared.audit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One text for one JSON value, whoever parsed it: object keys sorted (by UTF-16 code units, as in
 * RFC 8785), no whitespace, strings escaped minimally, every integral number (whether it arrived
 * as an int, a long, a big integer or a whole double such as {@code 2.0}) in plain decimal, other
 * numbers as the shortest decimal that reads back as the same double. The orchestrator's sealer
 * (reading Postgres jsonb) and {@code reachctl audit verify} (reading an export line) so hash the
 * same bytes.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  public static String encode(Object value) {
    StringBuilder sb = new StringBuilder(256);
    write(sb, value);
    return sb.toString();
  }

  static void write(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("null");
    } else if (v instanceof JsonObject o) {
      writeObject(sb, o.getMap());
    } else if (v instanceof Map<?, ?> m) {
      writeObject(sb, m);
    } else if (v instanceof JsonArray a) {
      writeArray(sb, a.getList());
    } else if (v instanceof List<?> l) {
      writeArray(sb, l);
    } else if (v instanceof String s) {
      writeString(sb, s);
    } else if (v instanceof Boolean b) {
      sb.append(b.booleanValue());
    } else if (v instanceof Number n) {
      writeNumber(sb, n);
    } else {
      throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
    }
  }

  private static void writeObject(StringBuilder sb, Map<?, ?> m) {
    List<String> keys = new ArrayList<>(m.size());
    for (Object k : m.keySet()) {
      keys.add((String) k);
    }
    Collections.sort(keys);
    sb.append('{');
    boolean first = true;
    for (String k : keys) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      writeString(sb, k);
      sb.append(':');
      write(sb, m.get(k));
    }
    sb.append('}');
  }

  private static void writeArray(StringBuilder sb, List<?> l) {
    sb.append('[');
    for (int i = 0; i < l.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      write(sb, l.get(i));
    }
    sb.append(']');
  }

  private static void writeNumber(StringBuilder sb, Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte || n instanceof BigInteger) {
      sb.append(n);
      return;
    }
    BigDecimal d;
    if (n instanceof BigDecimal bd) {
      d = bd;
    } else {
      double x = n.doubleValue();
      if (Double.isNaN(x) || Double.isInfinite(x)) {
        throw new IllegalArgumentException("not a JSON number: " + x);
      }
      d = new BigDecimal(Double.toString(x));
    }
    d = d.stripTrailingZeros();
    if (d.scale() <= 0) {
      sb.append(d.toBigIntegerExact());
    } else {
      sb.append(d.toPlainString());
    }
  }

  private static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
