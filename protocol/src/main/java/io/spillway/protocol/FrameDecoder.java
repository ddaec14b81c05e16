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
    /** Until a SASL client has authenticated, frames are held to this (sasl.server.max.receive.size). */
    private volatile int currentMaxBytes;
    /** Bare SASL tokens (after SaslHandshake v0) may be shorter than a request header: checked per request later. */
    private volatile int currentMinBytes;
    private boolean failed;

    /** Passed on instead of a frame when the stream is unusable; the connection ends after earlier responses. */
    record Malformed(String reason) {
    }

    FrameDecoder(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
        this.currentMaxBytes = maxRequestBytes;
        this.currentMinBytes = MIN_FRAME_BYTES;
    }

    /** A SASL listener's: @param unauthenticatedMaxBytes the limit until {@link #authenticated()} is called */
    FrameDecoder(int maxRequestBytes, int unauthenticatedMaxBytes) {
        this.maxRequestBytes = maxRequestBytes;
        this.currentMaxBytes = Math.min(maxRequestBytes, unauthenticatedMaxBytes);
        this.currentMinBytes = 0;
    }

    /** The client has authenticated: frames up to socket.request.max.bytes from now on. */
    void authenticated() {
        currentMaxBytes = maxRequestBytes;
        currentMinBytes = MIN_FRAME_BYTES;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= 4) {
            int size = in.getInt(in.readerIndex());
            int max = currentMaxBytes;
            int min = currentMinBytes;
            if (size < min || size > max) {
                failed = true;
                in.skipBytes(in.readableBytes());
                ctx.channel().config().setAutoRead(false);
                out.add(new Malformed("request frame of " + size + " bytes is outside " + min + ".."
                        + max + " bytes (" + (max < maxRequestBytes ? "sasl.server.max.receive.size before the client "
                        + "has authenticated" : "socket.request.max.bytes") + "); the client sent a malformed or "
                        + "oversized request" + (size == 0x16030100 || (size >>> 16) == 0x1603
                        ? ", or a TLS handshake to a listener without TLS" : "")));
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
