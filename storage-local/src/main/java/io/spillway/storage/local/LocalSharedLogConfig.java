package io.spillway.storage.local;

import java.nio.file.Path;

/**
 * Settings of the local shared log.
 *
 * @param directory where segment files live
 * @param segmentBytes a segment is sealed and a new one started once it would grow past this
 * @param fsync when true an append is durable only after fsync (the default); when false it is
 *     durable once written to the OS, and a background flush runs every {@code flushIntervalMs}
 * @param flushIntervalMs background flush period when {@code fsync} is false
 * @param opener how segment files are opened (tests inject failures here)
 * @param deleteDelayMs how long a deleted segment's file stays open after it is removed from the directory, so that
 *     zero-copy sends of its data already under way can finish (Kafka's log.segment.delete.delay.ms)
 */
public record LocalSharedLogConfig(Path directory, long segmentBytes, boolean fsync, long flushIntervalMs,
                                   ChannelOpener opener, long deleteDelayMs) {
    public static final long DEFAULT_SEGMENT_BYTES = 256L * 1024 * 1024;
    public static final long DEFAULT_DELETE_DELAY_MS = 60_000;

    public static LocalSharedLogConfig defaults(Path directory) {
        return new LocalSharedLogConfig(directory, DEFAULT_SEGMENT_BYTES, true, 1000, ChannelOpener.DEFAULT,
                DEFAULT_DELETE_DELAY_MS);
    }

    public LocalSharedLogConfig withDeleteDelayMs(long ms) {
        return new LocalSharedLogConfig(directory, segmentBytes, fsync, flushIntervalMs, opener, ms);
    }

    public LocalSharedLogConfig withSegmentBytes(long bytes) {
        return new LocalSharedLogConfig(directory, bytes, fsync, flushIntervalMs, opener, deleteDelayMs);
    }

    public LocalSharedLogConfig withFsync(boolean on) {
        return new LocalSharedLogConfig(directory, segmentBytes, on, flushIntervalMs, opener, deleteDelayMs);
    }

    public LocalSharedLogConfig withOpener(ChannelOpener channelOpener) {
        return new LocalSharedLogConfig(directory, segmentBytes, fsync, flushIntervalMs, channelOpener, deleteDelayMs);
    }
}
