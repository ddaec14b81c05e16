package io.spillway.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking, one-request-at-a-time Kafka protocol connection built from kafka-clients' own request and
 * response classes. Tests use it where the real clients hide what matters, e.g. to resend a batch with
 * exactly the same producer id, epoch and sequence numbers.
 */
public final class RawKafkaConnection implements AutoCloseable {

    /** Highest Produce version that still addresses topics by name (v13 uses topic ids). */
    private static final short MAX_PRODUCE_BY_NAME = 12;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ApiVersionsResponseData apiVersions;
    private final String clientId;
    private int correlationId;

    RawKafkaConnection(String host, int port) throws IOException {
        this(host, port, "spillway-it-raw");
    }

    public RawKafkaConnection(String host, int port, String clientId) throws IOException {
        this.clientId = clientId;
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
        ApiVersionsResponse response = send(new ApiVersionsRequest.Builder().build((short) 3));
        if (response.data().errorCode() != Errors.NONE.code()) {
            throw new IOException("ApiVersions failed: " + Errors.forCode(response.data().errorCode()));
        }
        apiVersions = response.data();
    }

    /** The highest version of {@code api} that both the broker and this client support, capped at {@code cap}. */
    public short version(ApiKeys api, int cap) {
        ApiVersionsResponseData.ApiVersion v = apiVersions.apiKeys().find(api.id);
        if (v == null) {
            throw new IllegalStateException("Broker does not advertise " + api);
        }
        short max = (short) Math.min(Math.min(v.maxVersion(), api.latestVersion()), cap);
        if (max < v.minVersion() || max < api.oldestVersion()) {
            throw new IllegalStateException("No common version of " + api + ": broker " + v.minVersion() + ".." + v.maxVersion());
        }
        return max;
    }

    /** InitProducerId for a non-transactional (idempotent) producer. */
    InitProducerIdResponseData initProducerId() throws IOException {
        InitProducerIdRequestData data = new InitProducerIdRequestData()
                .setTransactionalId(null)
                .setTransactionTimeoutMs(Integer.MAX_VALUE);
        InitProducerIdResponse response = send(new InitProducerIdRequest.Builder(data)
                .build(version(ApiKeys.INIT_PRODUCER_ID, Short.MAX_VALUE)));
        return response.data();
    }

    /** Produces one batch to one partition with acks=all and returns that partition's response. */
    ProduceResponseData.PartitionProduceResponse produce(String topic, int partition, MemoryRecords records) throws IOException {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData()
                .setName(topic)
                .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                        .setIndex(partition)
                        .setRecords(records))));
        ProduceRequestData data = new ProduceRequestData()
                .setAcks((short) -1)
                .setTimeoutMs(30_000)
                .setTopicData(topics);
        ProduceResponse response = send(new ProduceRequest(data, version(ApiKeys.PRODUCE, MAX_PRODUCE_BY_NAME)));
        ProduceResponseData.TopicProduceResponse topicResponse = response.data().responses().iterator().next();
        return topicResponse.partitionResponses().get(0);
    }

    /** True if the broker's range for {@code api} includes {@code version}. */
    public boolean supports(ApiKeys api, int version) {
        ApiVersionsResponseData.ApiVersion v = apiVersions.apiKeys().find(api.id);
        return v != null && v.minVersion() <= version && version <= v.maxVersion();
    }

    /** Sends {@code data} as {@code api} at {@code version} and returns the response's data. */
    @SuppressWarnings("unchecked")
    public <T extends ApiMessage> T call(ApiKeys api, ApiMessage data, short version) throws IOException {
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, version).buffer();
        AbstractRequest request = AbstractRequest.parseRequest(api, version, new ByteBufferAccessor(bytes)).request;
        AbstractResponse response = send(request);
        return (T) response.data();
    }

    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), clientId, ++correlationId);
        ByteBuffer payload = request.serializeWithHeader(header);
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
        int size = in.readInt();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IOException("Implausible response size " + size + " for " + request.apiKey());
        }
        byte[] response = new byte[size];
        in.readFully(response);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(response), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
