package dev.reach.shared.health;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * One dependency as {@code /health/deep} shows it: a check that resolves to
 * {@code {"status": "up"|"down"|"degraded", "latency_ms": …, …}}; a check that fails or takes longer
 * than the health timeout counts as {@code down}.
 */
public record DependencyCheck(String name, Supplier<Future<JsonObject>> check) {}
