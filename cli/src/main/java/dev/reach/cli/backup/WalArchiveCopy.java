package dev.reach.cli.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The part of a WAL archive a point-in-time recovery from one base backup reads: the timeline history
 * files and every segment from the backup's start segment on (any timeline). The start is found from
 * the backup history file the server archived for it ({@code <segment>.<offset>.backup}, whose
 * {@code LABEL} is {@code reach <backup id>}): an archive without it is not this server's, or was pruned
 * past the backup, and is refused.
 */
final class WalArchiveCopy {
  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
  private static final Pattern HISTORY = Pattern.compile("[0-9A-F]{8}\\.history");
  private static final Pattern BACKUP = Pattern.compile("[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup");

  private WalArchiveCopy() {}

  /** Copies what backup {@code backupId} needs from {@code archive} into {@code into}; answers how many files. */
  static int copy(Path archive, String backupId, Path into) throws IOException {
    String start = null;
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(archive)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (BACKUP.matcher(name).matches()
            && Files.readString(p, StandardCharsets.UTF_8).lines().anyMatch(l -> l.equals("LABEL: reach " + backupId))) {
          start = name.substring(0, 24);
        }
        if (SEGMENT.matcher(name).matches() || HISTORY.matcher(name).matches()) {
          files.add(p);
        }
      }
    }
    if (start == null) {
      throw new PointInTimeRecovery.RecoveryFailed("the WAL archive " + archive + " holds no start of base backup " + backupId
          + " (no *.backup file labelled 'reach " + backupId + "'): it is not the archive of the server backed up, it was"
          + " pruned past the backup, or the server has not archived the backup's start yet (it does so right after the"
          + " backup; try again in a moment)", null);
    }
    Files.createDirectories(into);
    String from = start.substring(8);
    int n = 0;
    for (Path p : files) {
      String name = p.getFileName().toString();
      if (HISTORY.matcher(name).matches() || name.substring(8).compareTo(from) >= 0) {
        Files.copy(p, into.resolve(name));
        n++;
      }
    }
    return n;
  }
}
