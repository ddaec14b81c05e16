package io.spillway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

import java.nio.ByteBuffer;

/** Encodes a response body with its header and size prefix, using Kafka's generated serializers. */
final class ResponseSerializer {
    private ResponseSerializer() {
    }

    /** @return a frame the caller owns (write it to the channel, which releases it) */
    static ByteBuf serialize(int correlationId, short headerVersion, ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuffer frame = ByteBuffer.allocate(4 + size);
        frame.putInt(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(frame);
        header.write(accessor, cache, headerVersion);
        body.write(accessor, cache, version);
        frame.flip();
        return Unpooled.wrappedBuffer(frame);
    }

    static ByteBuf serialize(int correlationId, ApiKeys key, short version, ApiMessage body) {
        return serialize(correlationId, key.responseHeaderVersion(version), body, version);
    }
}
