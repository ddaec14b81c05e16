package io.spillway.protocol;

import io.netty.channel.FileRegion;
import io.netty.util.AbstractReferenceCounted;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.network.TransferableChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A response whose record batches stay in files ({@link Send} built by Kafka's SendBuilder), written by Netty as a
 * {@link FileRegion}: Netty's NIO transport hands it the socket channel, and the batches go from the page cache to
 * the socket with {@link FileChannel#transferTo} (sendfile), never through the JVM heap. Only for plain sockets:
 * TLS must encrypt the bytes, so a TLS listener gets the response {@link #materialize materialized} instead.
 */
final class SendRegion extends AbstractReferenceCounted implements FileRegion {
    private final Send send;
    private long transferred;

    SendRegion(Send send) {
        this.send = send;
    }

    @Override
    public long position() {
        return 0;
    }

    @Override
    @Deprecated
    public long transfered() {
        return transferred;
    }

    @Override
    public long transferred() {
        return transferred;
    }

    @Override
    public long count() {
        return send.size();
    }

    @Override
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        long n = send.writeTo(new SocketTarget(target));
        transferred += n;
        return n;
    }

    /** The whole response in one buffer, the batches read from their files (one copy, for TLS). */
    static ByteBuffer materialize(Send send) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(send.size()));
        BufferTarget target = new BufferTarget(buffer);
        while (!send.completed()) {
            if (send.writeTo(target) == 0 && buffer.hasRemaining()) {
                throw new IOException("a response's records could not be read (" + buffer.remaining() + " bytes short)");
            }
        }
        return buffer.flip();
    }

    @Override
    protected void deallocate() {
        // the files belong to the shared log, which closes them (after its delete delay once a segment is gone)
    }

    @Override
    public SendRegion retain() {
        super.retain();
        return this;
    }

    @Override
    public SendRegion retain(int increment) {
        super.retain(increment);
        return this;
    }

    @Override
    public SendRegion touch() {
        return this;
    }

    @Override
    public SendRegion touch(Object hint) {
        return this;
    }

    /** Kafka's channel view of Netty's socket channel: buffers are written, file ranges transferred. */
    private record SocketTarget(WritableByteChannel socket) implements TransferableChannel {
        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel file, long position, long count) throws IOException {
            return file.transferTo(position, count, socket);
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
            if (socket instanceof GatheringByteChannel gathering) {
                return gathering.write(sources, offset, length);
            }
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                int n = socket.write(sources[i]);
                written += n;
                if (sources[i].hasRemaining()) {
                    break;
                }
            }
            return written;
        }

        @Override
        public long write(ByteBuffer[] sources) throws IOException {
            return write(sources, 0, sources.length);
        }

        @Override
        public int write(ByteBuffer source) throws IOException {
            return socket.write(source);
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() {
            // the socket is Netty's
        }
    }

    /** A channel that fills a buffer, reading file ranges into it. */
    private record BufferTarget(ByteBuffer buffer) implements TransferableChannel {
        @Override
        public boolean hasPendingWrites() {
            return false;
        }

        @Override
        public long transferFrom(FileChannel file, long position, long count) throws IOException {
            ByteBuffer window = buffer.slice(buffer.position(), (int) Math.min(count, buffer.remaining()));
            long read = 0;
            while (window.hasRemaining()) {
                int n = file.read(window, position + read);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            buffer.position(buffer.position() + (int) read);
            return read;
        }

        @Override
        public long write(ByteBuffer[] sources, int offset, int length) {
            long written = 0;
            for (int i = offset; i < offset + length; i++) {
                written += write(sources[i]);
            }
            return written;
        }

        @Override
        public long write(ByteBuffer[] sources) {
            return write(sources, 0, sources.length);
        }

        @Override
        public int write(ByteBuffer source) {
            int n = source.remaining();
            buffer.put(source);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }
}
