package dev.reach.shared.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code .sql} resource holding several statements, each under a {@code -- name: xxx} header
 * (the sqlc convention). Loaded once; {@link #get} fails fast on an unknown name.
 */
public final class SqlFile {
  private final String resource;
  private final Map<String, Sql> statements;

  private SqlFile(String resource, Map<String, Sql> statements) {
    this.resource = resource;
    this.statements = statements;
  }

  public static SqlFile load(String resource) {
    try (InputStream in = SqlFile.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("SQL resource not found: " + resource);
      }
      return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static SqlFile parse(String resource, String text) {
    Map<String, Sql> out = new LinkedHashMap<>();
    String name = null;
    StringBuilder body = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String trimmed = line.trim();
      if (trimmed.startsWith("-- name:")) {
        put(resource, out, name, body);
        name = trimmed.substring("-- name:".length()).trim();
        body.setLength(0);
      } else if (name != null) {
        body.append(line).append('\n');
      }
    }
    put(resource, out, name, body);
    return new SqlFile(resource, out);
  }

  private static void put(String resource, Map<String, Sql> out, String name, StringBuilder body) {
    if (name == null) {
      return;
    }
    String sql = body.toString().trim();
    if (sql.endsWith(";")) {
      sql = sql.substring(0, sql.length() - 1);
    }
    if (out.put(name, new Sql(resource, name, sql)) != null) {
      throw new IllegalStateException(resource + ": statement '" + name + "' defined twice");
    }
  }

  public Sql get(String name) {
    Sql sql = statements.get(name);
    if (sql == null) {
      throw new IllegalStateException(resource + ": no statement named '" + name + "'");
    }
    return sql;
  }
}
