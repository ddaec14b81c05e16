package io.spillway.log;

import io.spillway.common.DurableFiles;
import io.spillway.storage.Locations;
import io.spillway.storage.SharedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * The state of every partition log (offsets, batch index, producer and transaction state) as of a point in the
 * shared log, in one file, so that a restart replays only the entries after that point instead of every entry
 * of every partition (with a million partitions the full scan took most of a restart).
 *
 * <p>File: {@code [int magic "SPCK"][int version][long replayFrom]}, then each partition as
 * {@link PartitionLog#writeCheckpoint} writes it, then {@code [long partitions][int CRC32C of everything before]}. It is written to
 * a temporary file, synced, and renamed over the previous one, so a crash leaves either the old or the new one.
 *
 * <p>Why it is safe to restore: {@code replayFrom} is noted before the first partition is written, so every
 * entry a partition's state does not hold is at or after it and is replayed; entries it does hold are skipped by
 * offset. The file is published only once the newest entry any partition holds is durable, so it never refers
 * to data a crash could take back. Partitions deleted since are skipped; retention since is redone from the log
 * start offsets the metadata store keeps.
 */
public final class PartitionCheckpoint {
    private static final Logger log = LoggerFactory.getLogger(PartitionCheckpoint.class);
    private static final int MAGIC = 0x5350434B; // "SPCK"
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 4 + 4 + 8;
    private static final int TRAILER_BYTES = 8 + 4;
    private static final long DURABLE_WAIT_SECONDS = 60;

    private final Path file;

    public PartitionCheckpoint(Path file) {
        this.file = file;
    }

    /** What a write produced. */
    public record Written(long partitions, long bytes, long replayFrom) {
    }

    /**
     * Writes the state of {@code partitions} and publishes it once everything it holds is durable.
     *
     * @throws IOException if the file cannot be written, or the log did not become durable in time (the previous
     *     checkpoint then stays)
     */
    public Written write(SharedLog storage, Collection<PartitionLog> partitions) throws IOException, InterruptedException {
        long replayFrom = storage.endLocation();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long count = 0;
        long newest = -1;
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            CRC32C crc = new CRC32C();
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                    new CheckedOutputStream(Channels.newOutputStream(channel), crc), 1 << 20));
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(replayFrom);
            // Each partition is written into memory under its monitor and copied to the file after: appends to it
            // wait for a copy of its state, never for the disk.
            ByteArrayOutputStream partitionBytes = new ByteArrayOutputStream(4096);
            DataOutputStream partitionOut = new DataOutputStream(partitionBytes);
            for (PartitionLog partition : partitions) {
                partitionBytes.reset();
                newest = Math.max(newest, partition.writeCheckpoint(partitionOut));
                partitionOut.flush();
                partitionBytes.writeTo(out);
                count++;
            }
            out.writeLong(count);
            out.flush();
            out.writeInt((int) crc.getValue());
            out.flush();
            channel.force(true);
        }
        // Everything before replayFrom must be durable too, not only what partitions index: entries nobody indexes
        // (copies a rewrite abandoned, batches of a partition deleted since) could otherwise be lost in a crash and
        // leave the log shorter than the point the checkpoint says replay starts from.
        long mustBeDurable = Math.max(newest, replayFrom - 1);
        if (mustBeDurable >= 0) {
            try {
                storage.whenDurable(mustBeDurable).get(DURABLE_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                Files.deleteIfExists(tmp);
                throw new IOException("the shared log did not become durable up to " + Locations.toString(mustBeDurable)
                        + ": " + e.getMessage(), e);
            }
        }
        DurableFiles.replace(tmp, file);
        return new Written(count, Files.size(file), replayFrom);
    }

    /** What a read restored. */
    public record Restored(long replayFrom, long partitions, long skipped, long bytes) {
    }

    /**
     * Restores every partition the checkpoint holds into the log {@code partition} returns for its key (null: the
     * partition was deleted since, skipped). Returns null, having restored nothing, when there is no checkpoint or
     * it is damaged (then the caller replays the whole log).
     */
    public Restored read(LongFunction<PartitionLog> partition) {
        if (!Files.exists(file)) {
            return null;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER_BYTES);
            if (size < HEADER_BYTES + TRAILER_BYTES || channel.read(header, 0) != HEADER_BYTES
                    || channel.read(trailer, size - TRAILER_BYTES) != TRAILER_BYTES
                    || header.getInt(0) != MAGIC || header.getInt(4) != VERSION
                    || checksum(channel, size - 4) != trailer.getInt(8)) {
                log.warn("Ignoring the partition checkpoint {}: not a complete checkpoint of this version (size, "
                        + "magic, version or checksum); replaying the whole shared log instead", file);
                return null;
            }
            long replayFrom = header.getLong(8);
            long count = trailer.getLong(0);
            // parse everything first, so that a checkpoint this code cannot read restores nothing rather than part
            CheckpointInput in = new CheckpointInput(channel, HEADER_BYTES, size - TRAILER_BYTES);
            java.util.List<PartitionLog.CheckpointedState> states = new java.util.ArrayList<>();
            for (long i = 0; i < count; i++) {
                states.add(PartitionLog.CheckpointedState.readFrom(in));
            }
            if (!in.atEnd()) {
                throw new IllegalStateException("the partitions end at byte " + in.position() + ", not "
                        + (size - TRAILER_BYTES));
            }
            long restored = 0;
            for (PartitionLog.CheckpointedState state : states) {
                PartitionLog target = partition.apply(state.key());
                if (target != null) {
                    target.restore(state);
                    restored++;
                }
            }
            return new Restored(replayFrom, restored, count - restored, size);
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring the partition checkpoint {} ({}); replaying the whole shared log instead", file, e.toString());
            return null;
        }
    }

    /** CRC32C of the file's first {@code length} bytes. */
    private static int checksum(FileChannel channel, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long position = 0;
        while (position < length) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("the checkpoint ends before byte " + length);
            }
            crc.update(buffer.flip());
            position += n;
        }
        return (int) crc.getValue();
    }

    /** Removes the checkpoint (when it must not be used, e.g. with fsync off). */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }
}
