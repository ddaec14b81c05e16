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
 */
public record LocalSharedLogConfig(Path directory, long segmentBytes, boolean fsync, long flushIntervalMs,
                                   ChannelOpener opener) {
    public static final long DEFAULT_SEGMENT_BYTES = 256L * 1024 * 1024;

    public static LocalSharedLogConfig defaults(Path directory) {
        return new LocalSharedLogConfig(directory, DEFAULT_SEGMENT_BYTES, true, 1000, ChannelOpener.DEFAULT);
    }

    public LocalSharedLogConfig withSegmentBytes(long bytes) {
        return new LocalSharedLogConfig(directory, bytes, fsync, flushIntervalMs, opener);
    }

    public LocalSharedLogConfig withFsync(boolean on) {
        return new LocalSharedLogConfig(directory, segmentBytes, on, flushIntervalMs, opener);
    }

    public LocalSharedLogConfig withOpener(ChannelOpener channelOpener) {
        return new LocalSharedLogConfig(directory, segmentBytes, fsync, flushIntervalMs, channelOpener);
    }
}
