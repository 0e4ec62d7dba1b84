package dev.reach.shared.logging;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credentials in text bound for a log or a terminal: the password of any URL with userinfo
 * ({@code postgresql://reach:***@db:5432/reach}), {@code Bearer}/{@code Basic} credentials,
 * {@code password=…}, {@code token=…}, {@code secret=…} and {@code api_key=…} pairs (also as JSON
 * fields), and every secret value registered at run time. Thread-safe; the registered values are an
 * immutable snapshot replaced on each {@link #register}.
 */
public final class Redactor {
  /** What a masked value is replaced with. */
  public static final String MASK = "***";
  /** Values shorter than this are not registered: masking "ab" everywhere would garble every line. */
  public static final int MIN_SECRET_LENGTH = 4;

  private static final Pattern URL_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^:/?#@\\s]*):([^@\\s]*)@");
  private static final Pattern AUTH_SCHEME =
      Pattern.compile("(?i)\\b(Bearer|Basic)(\\s+)[A-Za-z0-9._~+/=-]+");
  private static final Pattern KEY_VALUE = Pattern.compile(
      "(?i)([A-Za-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key))(\"?\\s*[=:]\\s*)"
          + "(\"[^\"]*\"|'[^']*'|[^\\s&,;\"'}\\]]+)");
  /** Environment variables whose values are secrets by name. */
  private static final Pattern SECRET_VARIABLE = Pattern.compile("(?i).*(PASSWORD|TOKEN|SECRET|API_?KEY).*");

  private static volatile List<String> secrets = List.of();

  private Redactor() {}

  /**
   * Masks {@code secret} wherever it appears from now on (also in its URL-encoded form). Null,
   * blank and values shorter than {@value #MIN_SECRET_LENGTH} characters are ignored.
   */
  public static synchronized void register(String secret) {
    if (secret == null || secret.isBlank() || secret.length() < MIN_SECRET_LENGTH) {
      return;
    }
    Set<String> next = new LinkedHashSet<>(secrets);
    next.add(secret);
    next.add(URLEncoder.encode(secret, StandardCharsets.UTF_8));
    List<String> sorted = new ArrayList<>(next);
    sorted.sort(Comparator.comparingInt(String::length).reversed()); // longest first: no half-masked overlaps
    secrets = List.copyOf(sorted);
  }

  /**
   * Registers the secrets of an environment: the password of {@code REACH_DB_URL} and the value of
   * every variable named like a password, token, secret or API key ({@code REACH_ADMIN_TOKEN}). A
   * database password equal to the user name is left out: it is no secret (the embedded dev
   * server's placeholder is {@code postgres:postgres}) and masking it would mask the user name, and
   * {@code postgresql://}, everywhere; inside URLs it is masked anyway.
   */
  public static void registerEnvironment(Map<String, String> env) {
    String dbUrl = env.get("REACH_DB_URL");
    if (dbUrl != null) {
      Matcher m = URL_USERINFO.matcher(dbUrl);
      if (m.find()) {
        String user = URLDecoder.decode(m.group(2), StandardCharsets.UTF_8);
        String password = URLDecoder.decode(m.group(3), StandardCharsets.UTF_8);
        if (!password.equals(user)) {
          register(password);
          register(m.group(3));
        }
      }
    }
    env.forEach((name, value) -> {
      if (name.toUpperCase(Locale.ROOT).startsWith("REACH_") && SECRET_VARIABLE.matcher(name).matches()) {
        register(value);
      }
    });
  }

  /** For tests: forgets every registered value. */
  public static synchronized void clearRegistered() {
    secrets = List.of();
  }

  /** {@code text} with every credential masked; null stays null. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, MASK);
      }
    }
    out = URL_USERINFO.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + ":" + MASK + "@"));
    out = AUTH_SCHEME.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + m.group(2) + MASK));
    out = KEY_VALUE.matcher(out).replaceAll(m -> {
      String value = m.group(3);
      String masked = value.startsWith("\"") ? "\"" + MASK + "\"" : value.startsWith("'") ? "'" + MASK + "'" : MASK;
      return Matcher.quoteReplacement(m.group(1) + m.group(2) + masked);
    });
    return out;
  }
}
