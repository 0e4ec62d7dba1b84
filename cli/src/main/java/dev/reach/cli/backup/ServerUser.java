package dev.reach.cli.backup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Who runs the PostgreSQL server programs ({@code initdb}, {@code postgres}) that a point-in-time
 * restore starts. They refuse to run as root, so when reachctl runs as root they run as
 * {@code REACH_PG_OS_USER} (default {@code postgres}) through {@code setpriv}, and the directories they
 * use are handed to that user; otherwise they run as the caller, unchanged.
 */
public final class ServerUser {
  public static final String DEFAULT_OS_USER = "postgres";

  private final String osUser;

  private ServerUser(String osUser) {
    this.osUser = osUser;
  }

  /** As root: {@code REACH_PG_OS_USER} (default postgres); otherwise the caller. */
  public static ServerUser from(Map<String, String> env) {
    if (!isRoot()) {
      return new ServerUser(null);
    }
    String u = env.get("REACH_PG_OS_USER");
    return new ServerUser(u == null || u.isBlank() ? DEFAULT_OS_USER : u.strip());
  }

  static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }

  /** The OS user the server programs run as, or null for the caller. */
  public String osUser() {
    return osUser;
  }

  /** {@code command}, run as the server user. */
  public List<String> wrap(List<String> command) {
    if (osUser == null) {
      return command;
    }
    List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + osUser, "--regid=" + osUser, "--init-groups", "--"));
    c.addAll(command);
    return c;
  }

  /** Gives {@code root} and everything under it to the server user (nothing to do when that is the caller). */
  public void own(Path root) {
    if (osUser == null) {
      return;
    }
    UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
    UserPrincipal user;
    GroupPrincipal group;
    try {
      user = lookup.lookupPrincipalByName(osUser);
      group = lookup.lookupPrincipalByGroupName(osUser);
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalStateException("reachctl runs as root and the PostgreSQL server refuses to: it runs as the OS user "
          + osUser + " (REACH_PG_OS_USER), which does not exist here (with group of the same name)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        v.setOwner(user);
        v.setGroup(group);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hand " + root + " to " + osUser + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return osUser == null ? "the calling user" : "OS user " + osUser;
  }
}
