package io.spillway.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads a partition checkpoint ({@link PartitionCheckpoint}) front to back through one buffer, knowing where its
 * partitions end, so that a damaged element count fails cleanly instead of allocating without bound. Why not a
 * {@code DataInputStream}: its per-field calls cost about a second more on a million partitions; why not a mapped
 * buffer: one mapping cannot exceed 2 GiB.
 */
final class CheckpointInput {
    private final FileChannel channel;
    private final long end;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
    /** File position of the buffer's first byte. */
    private long bufferStart;

    /** Reads {@code channel} from byte {@code position} up to byte {@code end}. */
    CheckpointInput(FileChannel channel, long position, long end) {
        this.channel = channel;
        this.end = end;
        this.bufferStart = position;
        buffer.limit(0);
    }

    private ByteBuffer need(int bytes) throws IOException {
        if (buffer.remaining() < bytes) {
            bufferStart += buffer.position();
            buffer.compact();
            buffer.limit((int) Math.min(buffer.capacity(), end - bufferStart));
            while (buffer.position() < bytes) {
                int n = channel.read(buffer, bufferStart + buffer.position());
                if (n <= 0) {
                    throw new EOFException("the checkpoint's partitions end early, at byte " + (bufferStart + buffer.position()));
                }
            }
            buffer.flip();
        }
        return buffer;
    }

    long readLong() throws IOException {
        return need(8).getLong();
    }

    int readInt() throws IOException {
        return need(4).getInt();
    }

    short readShort() throws IOException {
        return need(2).getShort();
    }

    byte readByte() throws IOException {
        return need(1).get();
    }

    /** Fills {@code dst} with {@code count} big-endian longs. */
    void readLongs(long[] dst, int count) throws IOException {
        int done = 0;
        while (done < count) {
            int n = Math.min(count - done, Math.max(1, buffer.remaining() / Long.BYTES));
            need(n * Long.BYTES).asLongBuffer().get(dst, done, n);
            buffer.position(buffer.position() + n * Long.BYTES);
            done += n;
        }
    }

    /**
     * Reads an element count and checks that that many elements of at least {@code elementBytes} bytes fit in what
     * is left.
     */
    int count(int elementBytes) throws IOException {
        int count = readInt();
        if (count < 0 || (long) count * elementBytes > end - position()) {
            throw new IllegalStateException("corrupt checkpoint: a count of " + count + " at byte " + (position() - 4)
                    + " does not fit in the " + (end - position()) + " bytes left");
        }
        return count;
    }

    long position() {
        return bufferStart + buffer.position();
    }

    boolean atEnd() {
        return position() == end;
    }
}
