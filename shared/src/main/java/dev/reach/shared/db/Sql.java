package dev.reach.shared.db;

/** One named SQL statement loaded from a {@code .sql} resource. */
public record Sql(String file, String name, String text) {
  @Override
  public String toString() {
    return file + "#" + name;
  }
}
