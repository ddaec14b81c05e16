package io.spillway.storage.local;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One file of the shared log. Its channel is written only under the log's append lock; positional
 * reads may come from any thread. {@code retainCount} counts partitions with live entries here.
 */
final class Segment {
    final int id;
    final Path path;
    final FileChannel channel;
    final AtomicInteger retainCount = new AtomicInteger();
    /** Bytes in the file, header included; written under the append lock, read by anyone. */
    volatile long sizeBytes;
    volatile boolean sealed;

    Segment(int id, Path path, FileChannel channel, long sizeBytes) {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.sizeBytes = sizeBytes;
    }

    static String fileName(int id) {
        return String.format("wal-%010d.log", id);
    }

    static int idOf(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(4, name.length() - 4));
    }

    static boolean isSegmentFile(Path file) {
        String name = file.getFileName().toString();
        return name.matches("wal-\\d{10}\\.log");
    }

    void closeQuietly() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a channel we are discarding; nothing left to protect
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
