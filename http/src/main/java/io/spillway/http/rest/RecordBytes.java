package io.spillway.http.rest;

import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A fetch response's records as {@link MemoryRecords}, whatever form the Fetch handler gave them in: records it left in
 * the shared log's files (for sendfile) are read into memory by running their send into a buffer, the same bytes a
 * client would receive. Reads files: call it off the event loop. Stateless.
 */
final class RecordBytes {
    private RecordBytes() {
    }

    static MemoryRecords inMemory(BaseRecords records) throws IOException {
        if (records == null) {
            return MemoryRecords.EMPTY;
        }
        if (records instanceof MemoryRecords memory) {
            return memory;
        }
        ByteBuffer buffer = ByteBuffer.allocate(records.sizeInBytes());
        Send send = records.toSend();
        BufferChannel channel = new BufferChannel(buffer);
        while (!send.completed()) {
            if (send.writeTo(channel) <= 0 && !send.completed()) {
                throw new IOException("the records' files ended before " + records.sizeInBytes() + " bytes were read");
            }
        }
        buffer.flip();
        return MemoryRecords.readableRecords(buffer);
    }

    /** A channel that writes into one buffer and reads file regions into it. Single use, one thread. */
    private static final class BufferChannel implements TransferableChannel {
        private final ByteBuffer buffer;

        BufferChannel(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel file, long position, long count) throws IOException {
            ByteBuffer slice = buffer.slice();
            slice.limit((int) Math.min(slice.remaining(), count));
            int read = file.read(slice, position);
            if (read > 0) {
                buffer.position(buffer.position() + read);
            }
            return Math.max(read, 0);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(src.remaining(), buffer.remaining());
            ByteBuffer part = src.slice();
            part.limit(n);
            buffer.put(part);
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
