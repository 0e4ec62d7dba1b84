package dev.reach.artifacts;

/** A sealed log's metadata, as stored in {@code attempt_logs}. */
record LogSeal(long size, String sha256, boolean truncated) {}
