package io.spillway.bench;

import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.RequestHeader;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Topic lookups over one raw connection, timed without a client's caches and queues in between: a Metadata request
 * naming a few topics (what a producer or consumer sends for the topics it uses), and listing every topic by paging
 * DescribeTopicPartitions (KIP-966) with its cursor. Why not the Admin client for listing: its {@code listTopics}
 * asks for all topics in one Metadata response, which the Java client refuses to read beyond 1,000,000 topics
 * ("Tried to read a collection of size 1000002"), and its {@code describeTopics} pages only over names it is given.
 */
final class RawLookups implements Closeable {
    /** Partitions per page; Kafka's default {@code max.request.partition.size.limit} is 2000. */
    static final int PAGE = 2000;

    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    RawLookups(String bootstrap) throws IOException {
        int colon = bootstrap.lastIndexOf(':');
        socket.connect(new InetSocketAddress(bootstrap.substring(0, colon), Integer.parseInt(bootstrap.substring(colon + 1))),
                10_000);
        socket.setSoTimeout(120_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** Nanoseconds of one Metadata request (v12) for {@code topics}; fails if the broker does not know one of them. */
    long metadataNanos(List<String> topics) throws IOException {
        MetadataRequest request = new MetadataRequest.Builder(new MetadataRequestData()
                .setTopics(topics.stream().map(t -> new MetadataRequestData.MetadataRequestTopic().setName(t)).toList())
                .setAllowAutoTopicCreation(false)).build((short) 12);
        long t = System.nanoTime();
        MetadataResponse response = (MetadataResponse) exchange(request, ApiKeys.METADATA);
        long nanos = System.nanoTime() - t;
        response.data().topics().forEach(topic -> {
            if (topic.errorCode() != Errors.NONE.code()) {
                throw new IllegalStateException("Metadata for " + topic.name() + ": " + Errors.forCode(topic.errorCode()));
            }
        });
        return nanos;
    }

    /** How many topics the broker has (internal ones included), listed page by page. */
    long countAll() throws IOException {
        long topics = 0;
        DescribeTopicPartitionsRequestData.Cursor cursor = null;
        while (true) {
            DescribeTopicPartitionsRequestData data = new DescribeTopicPartitionsRequestData()
                    .setResponsePartitionLimit(PAGE).setCursor(cursor);
            DescribeTopicPartitionsResponseData page = ((DescribeTopicPartitionsResponse) exchange(
                    new DescribeTopicPartitionsRequest.Builder(data).build((short) 0), ApiKeys.DESCRIBE_TOPIC_PARTITIONS)).data();
            for (DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic topic : page.topics()) {
                boolean continued = cursor != null && topic.name().equals(cursor.topicName()) && cursor.partitionIndex() > 0;
                if (!continued) {
                    topics++;
                }
            }
            if (page.nextCursor() == null) {
                return topics;
            }
            cursor = new DescribeTopicPartitionsRequestData.Cursor().setTopicName(page.nextCursor().topicName())
                    .setPartitionIndex(page.nextCursor().partitionIndex());
        }
    }

    private AbstractResponse exchange(AbstractRequest request, ApiKeys key) throws IOException {
        RequestHeader header = new RequestHeader(key, request.version(), "spillway-bench-lookups", ++correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
