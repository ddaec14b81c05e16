package io.spillway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Splits the byte stream into Kafka request frames ({@code int32 size} + body) and hands each body
 * on as a heap {@link ByteBuffer} owned by the receiver (no pooled buffer escapes this handler).
 * A frame claiming more than the configured maximum closes the connection before anything of that
 * size is allocated.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    /** Smallest possible request: api key, api version, correlation id, client id length. */
    private static final int MIN_FRAME_BYTES = 10;

    private final int maxRequestBytes;
    private boolean failed;

    /** Passed on instead of a frame when the stream is unusable; the connection ends after earlier responses. */
    record Malformed(String reason) {
    }

    FrameDecoder(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            int size = in.getInt(in.readerIndex());
            if (size < MIN_FRAME_BYTES || size > maxRequestBytes) {
                failed = true;
                in.skipBytes(in.readableBytes());
                ctx.channel().config().setAutoRead(false);
                out.add(new Malformed("request frame of " + size + " bytes is outside " + MIN_FRAME_BYTES + ".."
                        + maxRequestBytes + " bytes (socket.request.max.bytes); the client sent a malformed or "
                        + "oversized request"));
                return;
            }
            if (in.readableBytes() < 4 + size) {
                return;
            }
            in.skipBytes(4);
            ByteBuffer frame = ByteBuffer.allocate(size);
            in.readBytes(frame);
            frame.flip();
            out.add(frame);
        }
    }
}
