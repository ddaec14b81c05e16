package io.spillway.storage.local;

import io.spillway.storage.Locations;
import io.spillway.storage.RecoverySummary;
import io.spillway.storage.SharedLog;
import io.spillway.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The embedded storage engine: one segmented write-ahead log on local disk shared by every
 * partition, with group-commit fsync (see docs/storage.md).
 *
 * <p>Thread safe. Appends are serialised by one lock; durability is the {@link GroupCommitFlusher}'s job, so
 * no appender waits for a disk. With fsync on, appends are staged in a direct buffer that is written to the
 * file in one system call just before each group-commit fsync (or when it fills up): one large write instead
 * of one per entry saves the per-call kernel work (and the zeroing of a partial page at every entry's end),
 * and costs no extra copy, since the JDK copies heap buffers into a direct buffer for every write anyway.
 * Staged bytes are not yet in the file, which is safe because readers only read up to the high watermark,
 * which never passes what has been fsynced. With fsync off (the high watermark follows the write at once),
 * appends go straight to the file.
 */
public final class LocalSharedLog implements SharedLog {
    private static final Logger log = LoggerFactory.getLogger(LocalSharedLog.class);

    private final LocalSharedLogConfig config;
    private final ConcurrentMap<Integer, Segment> segments = new ConcurrentHashMap<>();
    private final Object appendLock = new Object();
    private final ByteBuffer entryHeader = ByteBuffer.allocate(EntryDescriptor.ENTRY_HEADER_BYTES);
    /** Appended entries not yet written to the active segment; null with fsync off. Guarded by appendLock. */
    private final ByteBuffer staging;
    /** Location up to which appended bytes are in the files (the rest is staged). Written under appendLock. */
    private volatile long fileEnd;
    /** Guarded by appendLock. */
    private Segment active;
    private GroupCommitFlusher flusher;
    /** Handed to the flusher when it starts. Guarded by appendLock. */
    private io.spillway.storage.SyncListener syncListener = io.spillway.storage.SyncListener.NONE;
    /**
     * Completes durability futures, so that their continuations run here and never on the flusher thread.
     * One thread keeps completions in sync order; continuations must be short and must not block.
     */
    private final ExecutorService completions = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spillway-wal-completions");
        thread.setDaemon(true);
        return thread;
    });
    /** Deleted segments whose files are still open (see {@link #closeLater}). */
    private final java.util.Set<Segment> retired = new java.util.HashSet<>();
    /** Closes retired segments; created with the first one. Guarded by {@link #retired}. */
    private java.util.concurrent.ScheduledExecutorService closer;
    private volatile boolean deleteUnretained;
    private boolean recovered;

    /** Size of the staging buffer: a few milliseconds of appends at full speed. */
    static final int STAGING_BYTES = 1 << 20;

    public LocalSharedLog(LocalSharedLogConfig config) {
        this.config = config;
        this.staging = config.fsync() ? ByteBuffer.allocateDirect(STAGING_BYTES) : null;
    }

    @Override
    public RecoverySummary recover(EntryVisitor visitor) {
        return recover(visitor, 0);
    }

    @Override
    public long endLocation() {
        synchronized (appendLock) {
            if (!recovered) {
                throw new IllegalStateException("the shared log in " + config.directory() + " is not open yet (recover first)");
            }
            return Locations.of(active.id, active.sizeBytes);
        }
    }

    @Override
    public RecoverySummary recover(EntryVisitor visitor, long fromLocation) {
        synchronized (appendLock) {
            if (recovered) {
                throw new IllegalStateException("recover may be called once");
            }
            try {
                Files.createDirectories(config.directory());
                SegmentRecovery recovery = new SegmentRecovery(config, visitor, fromLocation);
                RecoverySummary summary = recovery.run(segments);
                Segment last = segments.values().stream().max((a, b) -> Integer.compare(a.id, b.id)).orElse(null);
                active = last != null ? last : createSegment(0);
                for (Segment segment : segments.values()) {
                    segment.sealed = segment != active;
                }
                long end = Locations.of(active.id, active.sizeBytes);
                fileEnd = end;
                flusher = new GroupCommitFlusher(config.fsync(), config.flushIntervalMs(), end, segments::get,
                        this::drainStaged, completions);
                flusher.syncListener(syncListener);
                flusher.start();
                recovered = true;
                if (summary.truncatedBytes() > 0) {
                    log.warn("Shared log in {} recovered after an unclean stop: {}", config.directory(), summary.detail());
                } else {
                    log.info("Shared log in {}: {}", config.directory(), summary.detail());
                }
                return summary;
            } catch (IOException e) {
                throw new StorageException("cannot open the shared log in " + config.directory() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public long maxPayloadBytes() {
        return config.segmentBytes() - EntryDescriptor.SEGMENT_HEADER_BYTES - EntryDescriptor.ENTRY_HEADER_BYTES;
    }

    @Override
    public long append(long partitionKey, ByteBuffer payload, int lastSegmentId) {
        int payloadBytes = payload.remaining();
        long entryBytes = EntryDescriptor.ENTRY_HEADER_BYTES + (long) payloadBytes;
        if (entryBytes + EntryDescriptor.SEGMENT_HEADER_BYTES > config.segmentBytes()) {
            throw new StorageException("entry of " + payloadBytes + " bytes is larger than a segment ("
                    + config.segmentBytes() + " bytes)");
        }
        StorageException failed = flusher.failure();
        if (failed != null) {
            throw new StorageException("the shared log is out of service after an fsync failure; restart the broker "
                    + "once the disk is healthy", failed);
        }
        synchronized (appendLock) {
            if (!recovered) {
                throw new IllegalStateException("append before recover");
            }
            if (active.sizeBytes + entryBytes > config.segmentBytes()) {
                roll();
            }
            Segment segment = active;
            long position = segment.sizeBytes;
            EntryDescriptor.writeEntryHeader(entryHeader, partitionKey, payload);
            if (staging != null && entryBytes <= staging.capacity()) {
                if (staging.remaining() < entryBytes) {
                    drainOrFail();
                }
                staging.put(entryHeader).put(payload.duplicate());
            } else {
                drainOrFail();
                try {
                    writeFully(segment, new ByteBuffer[] {entryHeader, payload.duplicate()}, entryBytes);
                    fileEnd = Locations.of(segment.id, position + entryBytes);
                } catch (IOException e) {
                    undoPartialWrite(segment, position);
                    throw new StorageException("write to " + segment.path + " failed (" + e.getMessage()
                            + "); nothing was appended. Free disk space or check the device.", e);
                }
            }
            segment.sizeBytes = position + entryBytes;
            if (segment.id != lastSegmentId) {
                segment.retainCount.incrementAndGet();
            }
            flusher.written(Locations.of(segment.id, segment.sizeBytes), entryBytes);
            return Locations.of(segment.id, position);
        }
    }

    /** Writes the staged entries to the active segment (the flusher calls this before each fsync). */
    private void drainStaged() throws IOException {
        synchronized (appendLock) {
            drainLocked();
        }
    }

    /**
     * Writes the staged entries to the active segment. On failure (ENOSPC) the segment is cut back and the
     * entries stay staged, to be written by a later attempt: they already have locations and index entries,
     * so they must not be dropped; their producers wait (and may time out and retry) until space is freed.
     * Caller holds appendLock.
     */
    private void drainLocked() throws IOException {
        if (staging == null || staging.position() == 0) {
            return;
        }
        int staged = staging.position();
        staging.flip();
        Segment segment = active;
        long start = segment.sizeBytes - staged;
        try {
            writeFully(segment, new ByteBuffer[] {staging}, staged);
        } catch (IOException e) {
            undoPartialWrite(segment, start);
            staging.limit(staging.capacity()).position(staged);
            throw e;
        }
        staging.clear();
        fileEnd = Locations.of(segment.id, segment.sizeBytes);
    }

    /** Drains for an appender whose entry does not fit; on failure that append fails and nothing changes. */
    private void drainOrFail() {
        try {
            drainLocked();
        } catch (IOException e) {
            throw new StorageException("write to " + active.path + " failed (" + e.getMessage() + "); nothing was "
                    + "appended. Free disk space or check the device.", e);
        }
    }

    private static void writeFully(Segment segment, ByteBuffer[] buffers, long bytes) throws IOException {
        long written = 0;
        while (written < bytes) {
            long n = segment.channel.write(buffers);
            if (n < 0) {
                throw new IOException("channel closed");
            }
            written += n;
        }
    }

    private void undoPartialWrite(Segment segment, long position) {
        try {
            segment.channel.truncate(position);
            segment.channel.position(position);
        } catch (IOException e) {
            log.error("Could not cut a partial write off {} at {}; recovery will do it at the next start",
                    segment.path, position, e);
        }
    }

    /** Seals the active segment and starts the next. Caller holds appendLock. */
    private void roll() {
        drainOrFail();
        Segment old = active;
        try {
            active = createSegment(old.id + 1);
        } catch (IOException e) {
            throw new StorageException("cannot create a new segment in " + config.directory() + ": " + e.getMessage(), e);
        }
        fileEnd = Locations.of(active.id, active.sizeBytes);
        old.sealed = true;
        flusher.sealed(old);
        maybeDelete(old);
    }

    private Segment createSegment(int id) throws IOException {
        Path path = config.directory().resolve(Segment.fileName(id));
        var channel = config.opener().open(path);
        try {
            channel.truncate(0);
            ByteBuffer header = EntryDescriptor.segmentHeader(id);
            while (header.hasRemaining()) {
                channel.write(header);
            }
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(path);
            throw e;
        }
        Segment segment = new Segment(id, path, channel, EntryDescriptor.SEGMENT_HEADER_BYTES);
        segments.put(id, segment);
        return segment;
    }

    @Override
    public CompletableFuture<Void> whenDurable(long location) {
        return flusher.await(location);
    }

    @Override
    public void read(long location, ByteBuffer dst) {
        Segment segment = segmentInFile(location, dst.remaining());
        long position = Locations.position(location) + EntryDescriptor.ENTRY_HEADER_BYTES;
        try {
            while (dst.hasRemaining()) {
                int n = segment.channel.read(dst, position);
                if (n < 0) {
                    throw new StorageException("read past the end of " + segment.path + " at " + position);
                }
                position += n;
            }
        } catch (IOException e) {
            throw new StorageException("read from " + segment.path + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void retain(int segmentId) {
        Segment segment = segments.get(segmentId);
        if (segment != null) {
            segment.retainCount.incrementAndGet();
        }
    }

    @Override
    public void release(int segmentId) {
        Segment segment = segments.get(segmentId);
        if (segment != null && segment.retainCount.decrementAndGet() <= 0) {
            maybeDelete(segment);
        }
    }

    @Override
    public void deleteUnretainedSegments() {
        deleteUnretained = true;
        for (Segment segment : segments.values()) {
            maybeDelete(segment);
        }
    }

    private void maybeDelete(Segment segment) {
        if (!deleteUnretained || !segment.sealed || segment.retainCount.get() > 0) {
            return;
        }
        if (segments.remove(segment.id, segment)) {
            try {
                Files.deleteIfExists(segment.path);
                log.debug("Deleted segment {}: no partition has live data in it", segment.path);
            } catch (IOException e) {
                log.warn("Could not delete unused segment {}: {}", segment.path, e.getMessage());
            }
            closeLater(segment);
        }
    }

    /**
     * Closes a deleted segment's file after the delete delay: zero-copy sends of slices of it may still be queued on
     * sockets. Its disk space comes back then (the name is gone at once, so a restart never sees the file).
     */
    private void closeLater(Segment segment) {
        if (config.deleteDelayMs() <= 0) {
            segment.closeQuietly();
            return;
        }
        synchronized (retired) {
            if (closer == null) {
                closer = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "spillway-wal-closer");
                    thread.setDaemon(true);
                    return thread;
                });
            }
            retired.add(segment);
            closer.schedule(() -> {
                synchronized (retired) {
                    if (retired.remove(segment)) {
                        segment.closeQuietly();
                    }
                }
            }, config.deleteDelayMs(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public io.spillway.storage.StoredSlice slice(long location, int size) {
        Segment segment = segmentInFile(location, size);
        return new io.spillway.storage.StoredSlice(segment.channel,
                Locations.position(location) + EntryDescriptor.ENTRY_HEADER_BYTES, size);
    }

    /**
     * The segment of the entry at {@code location} with a payload of {@code size} bytes, the entry written to its
     * file. The broker reads only up to the high watermark, which is fsynced and so in the file; other readers
     * (tests, tools) may ask for an entry that is still staged, which is written out first.
     */
    private Segment segmentInFile(long location, int size) {
        Segment segment = segments.get(Locations.segment(location));
        if (segment == null) {
            throw new StorageException("segment of location " + Locations.toString(location) + " was deleted");
        }
        long end = Locations.position(location) + EntryDescriptor.ENTRY_HEADER_BYTES + size;
        if (staging != null && Locations.of(segment.id, end) > fileEnd) {
            synchronized (appendLock) {
                drainOrFail();
            }
        }
        return segment;
    }

    @Override
    public java.util.SortedMap<Integer, Long> sealedSegmentSizes() {
        java.util.SortedMap<Integer, Long> sizes = new java.util.TreeMap<>();
        for (Segment segment : segments.values()) {
            if (segment.sealed) {
                sizes.put(segment.id, segment.sizeBytes);
            }
        }
        return sizes;
    }

    @Override
    public long sizeBytes() {
        long total = 0;
        for (Segment segment : segments.values()) {
            total += segment.sizeBytes;
        }
        return total;
    }

    @Override
    public String directory() {
        return config.directory().toAbsolutePath().toString();
    }

    /** The group-commit flusher, for tests. */
    GroupCommitFlusher flusher() {
        return flusher;
    }

    /**
     * From now on, tells {@code listener} about every group-commit fsync (metrics); none is told before. May be called
     * before or after {@link #recover}.
     */
    public void syncListener(io.spillway.storage.SyncListener listener) {
        synchronized (appendLock) {
            syncListener = listener;
            if (flusher != null) {
                flusher.syncListener(listener);
            }
        }
    }

    /** Number of segment files, for tests and metrics. */
    @Override
    public int segmentCount() {
        return segments.size();
    }

    @Override
    public void close() {
        if (flusher != null) {
            flusher.close();
            if (flusher.syncTimes().count() > 0) {
                // Read by bin/spillway-bench compare (the fsync distribution behind produce latency).
                log.info("Shared log in {}: {} since it opened", config.directory(), flusher.syncTimes().summary());
            }
        }
        completions.shutdown();
        try {
            if (!completions.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("Durability callbacks of the shared log in {} did not finish within 30 s", config.directory());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (retired) {
            if (closer != null) {
                closer.shutdownNow();
            }
            retired.forEach(Segment::closeQuietly);
            retired.clear();
        }
        synchronized (appendLock) {
            try {
                drainLocked();
            } catch (IOException e) {
                log.warn("Final write of staged entries to {} failed: {}", active.path, e.getMessage());
            }
            for (Segment segment : segments.values()) {
                try {
                    segment.channel.force(false);
                } catch (IOException e) {
                    log.warn("Final sync of {} failed: {}", segment.path, e.getMessage());
                }
                segment.closeQuietly();
            }
        }
    }
}
