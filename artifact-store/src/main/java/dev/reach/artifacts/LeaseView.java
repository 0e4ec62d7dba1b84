package dev.reach.artifacts;

/**
 * A job's lease as the store sees it when a writer asks: the job's state and latest attempt, and
 * whether the writer's (attempt, token) is the current lease (decided by the database, see
 * {@code find_lease} in {@code sql/artifacts.sql}).
 */
record LeaseView(String state, int attempt, boolean current) {}
