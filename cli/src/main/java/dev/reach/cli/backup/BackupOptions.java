package dev.reach.cli.backup;

import dev.reach.cli.Cli;
import dev.reach.cli.CliException;
import dev.reach.cli.ExitCodes;
import dev.reach.shared.config.DbUrl;
import dev.reach.shared.config.ReachConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --db-url} ({@code REACH_DB_URL}) and {@code --out} ({@code REACH_BACKUP_DIR}) of the backup commands. */
public final class BackupOptions {
  @Option(names = "--db-url", paramLabel = "URL",
      description = "The Reach database, postgresql://user:password@host:port/db (default: $REACH_DB_URL, else "
          + ReachConfig.DEFAULT_DB_URL + ").")
  String dbUrl;

  @Option(names = "--out", paramLabel = "DIR", description = "The backup directory (default: $REACH_BACKUP_DIR, else ./backups).")
  Path out;

  public DbUrl db(Cli cli) {
    String u = dbUrl != null ? dbUrl : cli.env().getOrDefault("REACH_DB_URL", ReachConfig.DEFAULT_DB_URL);
    try {
      return DbUrl.parse(u);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, "--db-url / REACH_DB_URL: " + e.getMessage());
    }
  }

  public Path dir(Cli cli) {
    if (out != null) {
      return out.toAbsolutePath();
    }
    String env = cli.env().get("REACH_BACKUP_DIR");
    return Path.of(env == null || env.isBlank() ? "backups" : env).toAbsolutePath();
  }
}
