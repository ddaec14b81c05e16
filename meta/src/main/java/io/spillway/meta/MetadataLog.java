package io.spillway.meta;

import io.spillway.common.DurableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only file of metadata records, each framed and checksummed:
 * {@code [int length][int crc32c of body][body]}. Appends are fsynced before they return; a torn
 * tail is cut off at open. {@link #rewrite} replaces the file atomically with a snapshot.
 *
 * <p>Not thread safe; the {@link MetadataStore} serialises access.
 */
final class MetadataLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetadataLog.class);
    private static final int FRAME_HEADER_BYTES = 8;

    private final Path path;
    private FileChannel channel;
    private long sizeBytes;

    MetadataLog(Path path) {
        this.path = path;
    }

    /** Opens the file (creating it if absent) and hands every intact record body to {@code replay}. */
    void open(Consumer<ByteBuffer> replay) throws IOException {
        Files.createDirectories(path.getParent());
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        ByteBuffer all = ByteBuffer.allocate((int) size);
        while (all.hasRemaining() && channel.read(all, all.position()) >= 0) {
            // read the whole file; metadata files are small (compacted at startup)
        }
        all.flip();
        long good = 0;
        while (all.remaining() >= FRAME_HEADER_BYTES) {
            int length = all.getInt(all.position());
            int crc = all.getInt(all.position() + 4);
            if (length <= 0 || length > all.remaining() - FRAME_HEADER_BYTES) {
                break;
            }
            ByteBuffer body = all.duplicate().position(all.position() + FRAME_HEADER_BYTES)
                    .limit(all.position() + FRAME_HEADER_BYTES + length).slice();
            CRC32C check = new CRC32C();
            check.update(body.duplicate());
            if ((int) check.getValue() != crc) {
                break;
            }
            replay.accept(body.asReadOnlyBuffer());
            all.position(all.position() + FRAME_HEADER_BYTES + length);
            good = all.position();
        }
        if (good < size) {
            log.warn("Metadata log {} had a torn tail of {} bytes (an unacknowledged change); cut it off",
                    path, size - good);
            channel.truncate(good);
            channel.force(true);
        }
        channel.position(good);
        sizeBytes = good;
    }

    /** Appends records and fsyncs; when this returns they survive a crash. */
    void append(List<byte[]> bodies) throws IOException {
        ByteBuffer frames = frame(bodies);
        long start = sizeBytes;
        try {
            while (frames.hasRemaining()) {
                channel.write(frames);
            }
            channel.force(false);
        } catch (IOException e) {
            channel.truncate(start);
            channel.position(start);
            throw e;
        }
        sizeBytes = channel.position();
    }

    /** Atomically replaces the whole file with {@code bodies} (a snapshot of the current state). */
    void rewrite(List<byte[]> bodies) throws IOException {
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer frames = frame(bodies);
            while (frames.hasRemaining()) {
                out.write(frames);
            }
            out.force(true);
        }
        channel.close();
        DurableFiles.replace(tmp, path);
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        sizeBytes = channel.size();
        channel.position(sizeBytes);
    }

    /** The size of the file on disk before {@link #open}, or 0 if there is none or it cannot be read (a sizing hint). */
    long existingSizeBytes() {
        try {
            return Files.exists(path) ? Files.size(path) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    long sizeBytes() {
        return sizeBytes;
    }

    private static ByteBuffer frame(List<byte[]> bodies) {
        int total = 0;
        for (byte[] body : bodies) {
            total += FRAME_HEADER_BYTES + body.length;
        }
        ByteBuffer frames = ByteBuffer.allocate(total);
        for (byte[] body : bodies) {
            CRC32C crc = new CRC32C();
            crc.update(body);
            frames.putInt(body.length).putInt((int) crc.getValue()).put(body);
        }
        return frames.flip();
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
