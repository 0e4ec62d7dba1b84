package dev.reach.artifacts;

/** A blob in place under {@code blobs/sha256/}; {@code reused} when identical bytes were already stored. */
record StoredBlob(String sha256, long size, boolean reused) {}
