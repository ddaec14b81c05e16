package io.spillway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.ReferenceCounted;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.SendBuilder;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.ResponseHeader;
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

    /**
     * As {@link #serialize(int, ApiKeys, short, ApiMessage)}, except that a fetch response whose records are not in
     * memory (the broker left them in their files) becomes a {@link SendRegion} that Netty sends with sendfile, or,
     * when {@code zeroCopy} is off (TLS), one buffer with the records read into it.
     *
     * @return a {@link ByteBuf} or a {@link io.netty.channel.FileRegion} the caller owns
     */
    static ReferenceCounted serialize(int correlationId, ApiKeys key, short version, ApiMessage body, boolean zeroCopy)
            throws java.io.IOException {
        if (!(body instanceof FetchResponseData fetch) || !hasRecordsInFiles(fetch)) {
            return serialize(correlationId, key, version, body);
        }
        Send send = SendBuilder.buildResponseSend(new ResponseHeader(correlationId, key.responseHeaderVersion(version)),
                body, version);
        return zeroCopy ? new SendRegion(send) : Unpooled.wrappedBuffer(SendRegion.materialize(send));
    }

    private static boolean hasRecordsInFiles(FetchResponseData fetch) {
        for (FetchResponseData.FetchableTopicResponse topic : fetch.responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.records() != null && !(partition.records() instanceof MemoryRecords)) {
                    return true;
                }
            }
        }
        return false;
    }
}
