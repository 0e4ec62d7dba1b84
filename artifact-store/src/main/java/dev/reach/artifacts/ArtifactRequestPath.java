package dev.reach.artifacts;

import dev.reach.shared.error.ErrorCode;
import dev.reach.shared.error.ReachException;
import dev.reach.shared.spec.ArtifactNames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code /v1/artifacts/{job_id}/{attempt}[/{path...}]} parsed from the raw request path, before any
 * normalisation could hide a {@code ..} segment: each segment is percent-decoded (UTF-8) and the
 * artifact path is validated with {@link ArtifactNames}. {@code path} is null for the listing.
 */
record ArtifactRequestPath(LogKey key, String path) {
  static final String PREFIX = "/v1/artifacts/";
  static final int MAX_PATH_CHARS = 1024;

  static ArtifactRequestPath parse(String rawPath) {
    String rest = rawPath.substring(PREFIX.length());
    int slash1 = rest.indexOf('/');
    if (slash1 < 0) {
      throw new ReachException(ErrorCode.NOT_FOUND, "no such resource: " + rawPath);
    }
    int slash2 = rest.indexOf('/', slash1 + 1);
    String job = decode(rest.substring(0, slash1), "job_id");
    String attempt = decode(slash2 < 0 ? rest.substring(slash1 + 1) : rest.substring(slash1 + 1, slash2), "attempt");
    LogKey key = RequestParams.logKey(job, attempt);
    if (slash2 < 0 || slash2 == rest.length() - 1) {
      return new ArtifactRequestPath(key, null);
    }
    String rawName = rest.substring(slash2 + 1);
    String path = joinDecoded(rawName);
    if (path.length() > MAX_PATH_CHARS) {
      throw RequestParams.invalid("path", "path must be at most " + MAX_PATH_CHARS + " characters");
    }
    String problem = ArtifactNames.problem(path);
    if (problem != null) {
      throw RequestParams.invalid("path", "path " + quote(path) + " " + problem);
    }
    return new ArtifactRequestPath(key, path);
  }

  private static String joinDecoded(String rawName) {
    String[] segments = rawName.split("/", -1);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        out.append('/');
      }
      out.append(decode(segments[i], "path"));
    }
    return out.toString();
  }

  /** Percent-decodes one path segment as UTF-8 ({@code +} stays a plus). */
  static String decode(String segment, String field) {
    if (segment.indexOf('%') < 0) {
      return segment;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    int i = 0;
    while (i < segment.length()) {
      int pct = segment.indexOf('%', i);
      if (pct < 0) {
        pct = segment.length();
      }
      if (pct > i) {
        byte[] b = segment.substring(i, pct).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i = pct;
        continue;
      }
      int hi = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
      int lo = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 2), 16) : -1;
      if (hi < 0 || lo < 0) {
        throw RequestParams.invalid(field, field + " has a bad percent-escape");
      }
      bytes.write(hi * 16 + lo);
      i += 3;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw RequestParams.invalid(field, field + " is not valid UTF-8 after percent-decoding");
    }
  }

  private static String quote(String s) {
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return "'" + shown.replace("\0", "\\0") + "'";
  }
}
