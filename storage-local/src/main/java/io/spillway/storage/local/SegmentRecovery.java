package io.spillway.storage.local;

import io.spillway.storage.Locations;
import io.spillway.storage.RecoverySummary;
import io.spillway.storage.SharedLog.EntryVisitor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens the segments of a shared log at startup, replays their entries to the partition layer and
 * cuts off a torn or corrupt tail.
 *
 * <p>Only the segments that can hold unsynced bytes are checksummed in full: the last two when
 * fsync is on (a crash can interrupt the sync of a just-sealed segment), all of them when it is
 * off. Older segments were synced before anything after them was acknowledged. Single use, one thread.
 */
final class SegmentRecovery {
    private static final Logger log = LoggerFactory.getLogger(SegmentRecovery.class);

    private final LocalSharedLogConfig config;
    private final EntryVisitor visitor;
    private long entries;
    private long bytes;
    private long truncatedBytes;
    private final StringBuilder problems = new StringBuilder();

    /** Entries before this location are not replayed (a checkpoint of the partition layer covers them). */
    private final long fromLocation;
    private int skippedSegments;
    /** One read buffer for every segment replayed. */
    private final SegmentWindow window = new SegmentWindow();

    SegmentRecovery(LocalSharedLogConfig config, EntryVisitor visitor, long fromLocation) {
        this.config = config;
        this.visitor = visitor;
        this.fromLocation = fromLocation;
    }

    RecoverySummary run(Map<Integer, Segment> out) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(config.directory())) {
            for (Path file : dir) {
                if (Segment.isSegmentFile(file)) {
                    files.add(file);
                }
            }
        }
        files.sort((a, b) -> Integer.compare(Segment.idOf(a), Segment.idOf(b)));
        int verifyFrom = config.fsync() ? Math.max(0, files.size() - 2) : 0;
        boolean cutRest = false;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            if (cutRest) {
                truncatedBytes += Files.size(file);
                problems.append(" removed ").append(file.getFileName()).append(" after a corrupt earlier segment;");
                Files.delete(file);
                continue;
            }
            Segment segment = open(file);
            if (segment == null) {
                continue;
            }
            if (segment.id < Locations.segment(fromLocation)) {
                // wholly before the checkpoint: durable when it was taken, nothing to replay or check
                segment.channel.position(segment.sizeBytes);
                out.put(segment.id, segment);
                skippedSegments++;
                continue;
            }
            // registered before its entries are replayed: the partition layer retains the segments it has entries
            // in while it replays them, and a retain of a segment not yet registered would be lost (the segment
            // would then be deleted as unused right after recovery)
            out.put(segment.id, segment);
            boolean complete = replay(segment, i >= verifyFrom);
            if (!complete) {
                cutRest = true;
            }
        }
        String detail = String.format("replayed %d entries (%d bytes) from %d segments%s%s", entries, bytes,
                out.size() - skippedSegments, fromLocation > 0 ? " after the checkpoint at " + Locations.toString(fromLocation)
                        + (skippedSegments > 0 ? " (" + skippedSegments + " older segments not read)" : "") : "",
                truncatedBytes > 0 ? "; truncated " + truncatedBytes + " bytes:" + problems : "");
        return new RecoverySummary(out.size(), entries, bytes, truncatedBytes, detail);
    }

    private Segment open(Path file) throws IOException {
        int id = Segment.idOf(file);
        var channel = config.opener().open(file);
        long size = channel.size();
        ByteBuffer header = ByteBuffer.allocate(EntryDescriptor.SEGMENT_HEADER_BYTES);
        readFully(channel, header, 0);
        header.flip();
        if (header.remaining() < EntryDescriptor.SEGMENT_HEADER_BYTES
                || header.getInt(0) != EntryDescriptor.SEGMENT_MAGIC
                || header.getInt(8) != id) {
            // A segment whose header never reached the disk holds nothing acknowledged.
            channel.close();
            truncatedBytes += size;
            problems.append(" ").append(file.getFileName()).append(" had no valid header and was removed;");
            Files.delete(file);
            return null;
        }
        return new Segment(id, file, channel, size);
    }

    /** Replays one segment; returns false if it ended in a torn or corrupt entry (now truncated). */
    private boolean replay(Segment segment, boolean verify) throws IOException {
        long size = segment.channel.size();
        long position = EntryDescriptor.SEGMENT_HEADER_BYTES;
        if (segment.id == Locations.segment(fromLocation)) {
            position = Math.max(position, Locations.position(fromLocation));
            if (position > size) {
                throw new IOException(segment.path + " ends at byte " + size + ", before the checkpoint's position "
                        + position + ": it lost data that was durable; the log cannot be trusted");
            }
        }
        window.reset(segment.channel, size);
        String problem = null;
        while (position < size) {
            if (size - position < EntryDescriptor.ENTRY_HEADER_BYTES) {
                problem = "partial entry header";
                break;
            }
            int headBytes = (int) Math.min(EntryDescriptor.ENTRY_HEADER_BYTES + EntryVisitor.HEAD_BYTES, size - position);
            ByteBuffer header = window.view(position, headBytes);
            int length = header.getInt(EntryDescriptor.LENGTH_OFFSET);
            int crc = header.getInt(EntryDescriptor.CRC_OFFSET);
            long key = header.getLong(EntryDescriptor.KEY_OFFSET);
            long end = position + EntryDescriptor.ENTRY_HEADER_BYTES + (long) length;
            if (length <= 0 || end > size) {
                problem = length == 0 ? "zero-filled tail" : "entry length " + length + " runs past the end of the file";
                break;
            }
            if (verify) {
                ByteBuffer payload = window.view(position + EntryDescriptor.ENTRY_HEADER_BYTES, length);
                if (EntryDescriptor.checksum(key, payload) != crc) {
                    problem = "checksum mismatch";
                    break;
                }
                header = window.view(position, headBytes); // the payload may have moved the window
            }
            ByteBuffer head = header.position(EntryDescriptor.ENTRY_HEADER_BYTES)
                    .limit(Math.min(headBytes, EntryDescriptor.ENTRY_HEADER_BYTES + length)).slice();
            visitor.onEntry(key, Locations.of(segment.id, position), length, head);
            entries++;
            bytes += length;
            position = end;
        }
        if (problem != null) {
            long cut = size - position;
            truncatedBytes += cut;
            problems.append(" ").append(segment.path.getFileName()).append(" at ").append(position)
                    .append(" (").append(problem).append(", ").append(cut).append(" bytes);");
            log.warn("Truncating {} at byte {}: {} ({} bytes dropped; they were never acknowledged)",
                    segment.path, position, problem, cut);
            segment.channel.truncate(position);
            segment.channel.force(true);
        }
        segment.channel.position(position);
        segment.sizeBytes = position;
        return problem == null;
    }

    /**
     * Reads a segment through one large buffer. Why: recovery used to read each entry's header (and, when
     * checksumming, its payload) with its own positional read; with a million small entries that is two million
     * system calls and most of a restart. Entries that lie together are now served from one read; an entry far
     * from the last one (the scan skips payloads it need not check) or larger than the buffer gets a read of its own.
     */
    private static final class SegmentWindow {
        static final int BYTES = 4 << 20;

        private final ByteBuffer buffer = ByteBuffer.allocateDirect(BYTES);
        private java.nio.channels.FileChannel channel;
        private long fileSize;
        private long start = -1;
        private int length;

        /** Starts on another segment file. */
        void reset(java.nio.channels.FileChannel channel, long fileSize) {
            this.channel = channel;
            this.fileSize = fileSize;
            this.start = -1;
            this.length = 0;
        }

        /** The {@code count} bytes at {@code position}, valid until the next call; position 0 of the view is {@code position}. */
        ByteBuffer view(long position, int count) throws IOException {
            if (count > BYTES) {
                ByteBuffer own = ByteBuffer.allocate(count);
                readFully(channel, own, position);
                return own.flip();
            }
            if (start < 0 || position < start || position + count > start + length) {
                buffer.clear();
                buffer.limit((int) Math.min(BYTES, fileSize - position));
                readFully(channel, buffer, position);
                start = position;
                length = buffer.position();
            }
            int offset = (int) (position - start);
            return buffer.duplicate().limit(offset + Math.min(count, length - offset)).position(offset).slice();
        }
    }

    private static void readFully(java.nio.channels.FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position);
            if (n < 0) {
                break;
            }
            position += n;
        }
    }
}
