package dev.reach.runner.exec;

import dev.reach.shared.job.EndReason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * Holds a job's artifacts to its limits before anything is uploaded: the first {@code maxCount}
 * files in name order are candidates, the rest are refused ({@code too_many_artifacts}); a
 * candidate larger than {@code maxBytes} is refused ({@code artifact_too_large}). Every refused
 * file is listed as missing with its reason — nothing is dropped silently — and the first limit
 * broken becomes the attempt's reason when the job itself succeeded. Blocking (reads sizes).
 */
public final class ArtifactLimits {
  /** How many refused files are named one by one; past that, one summary entry says how many more. */
  static final int MAX_LISTED = 100;

  /** What may be uploaded, what was refused, and the limit broken first ({@code null}: none). */
  public record Checked(TreeMap<String, Path> upload, JsonArray refused, EndReason broken, JsonObject limit) {}

  private ArtifactLimits() {}

  public static Checked check(TreeMap<String, Path> found, long maxBytes, int maxCount) throws IOException {
    TreeMap<String, Path> upload = new TreeMap<>();
    JsonArray refused = new JsonArray();
    EndReason broken = null;
    JsonObject limit = null;
    int index = 0;
    int unlisted = 0;
    for (Map.Entry<String, Path> e : found.entrySet()) {
      index++;
      String name = e.getKey();
      if (index > maxCount) {
        if (broken == null) {
          broken = EndReason.TOO_MANY_ARTIFACTS;
          limit = new JsonObject().put("kind", "artifact_count").put("limit", maxCount).put("found", found.size())
              .put("artifact", name);
        }
        if (refused.size() < MAX_LISTED) {
          refused.add(missing(name, "TOO_MANY_ARTIFACTS: the job produced " + found.size() + " artifact files, over its limit of "
              + maxCount + " (max_artifacts); files past the limit in name order are not uploaded"));
        } else {
          unlisted++;
        }
        continue;
      }
      long size = Files.readAttributes(e.getValue(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
      if (size > maxBytes) {
        if (broken == null) {
          broken = EndReason.ARTIFACT_TOO_LARGE;
          limit = new JsonObject().put("kind", "artifact_size").put("limit_bytes", maxBytes).put("size", size)
              .put("artifact", name);
        }
        refused.add(missing(name, "ARTIFACT_TOO_LARGE: " + size + " bytes, over the limit of " + maxBytes
            + " bytes (max_artifact_bytes)"));
        continue;
      }
      upload.put(name, e.getValue());
    }
    if (unlisted > 0) {
      refused.add(missing("(" + unlisted + " more)", "TOO_MANY_ARTIFACTS: " + unlisted + " further files past the limit of "
          + maxCount + " are not listed one by one"));
    }
    return new Checked(upload, refused, broken, limit);
  }

  private static JsonObject missing(String name, String reason) {
    return new JsonObject().put("name", name).put("missing", true).put("reason", reason);
  }
}
