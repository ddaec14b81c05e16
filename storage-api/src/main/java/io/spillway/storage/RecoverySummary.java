package io.spillway.storage;

/**
 * What recovery found: how much it replayed and what it had to cut off.
 *
 * @param truncatedBytes bytes of torn or corrupt tail removed (0 after a clean shutdown)
 */
public record RecoverySummary(int segments, long entries, long bytes, long truncatedBytes, String detail) {
}
