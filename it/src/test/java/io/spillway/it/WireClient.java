package io.spillway.it;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A raw TCP connection speaking (or deliberately mis-speaking) the Kafka wire protocol: frames are
 * written byte for byte, so tests control versions, headers and corruption exactly. Requests and
 * responses use kafka-clients' own classes.
 */
final class WireClient implements AutoCloseable {

    /** What the broker did with what we sent. */
    enum Outcome { RESPONSE, CLOSED, NO_ANSWER }

    /** Responses above this are treated as a protocol error rather than allocated. */
    static final int MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private int correlationId;

    WireClient(String host, int port, int readTimeoutMs) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(readTimeoutMs);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    void readTimeout(int ms) throws SocketException {
        socket.setSoTimeout(ms);
    }

    int nextCorrelationId() {
        return ++correlationId;
    }

    /** Header + body of {@code request} as the Java client would frame it (without the size prefix). */
    static byte[] serialize(AbstractRequest request, int correlationId) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "spillway-it-wire", correlationId);
        ByteBuffer buffer = request.serializeWithHeader(header);
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** Writes {@code int32 length} + {@code body}. */
    void writeFrame(byte[] body) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    /** Writes bytes exactly as given (no size prefix added). */
    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one response frame (without its size prefix). */
    ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        if (size < 4 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("Implausible response frame size " + size);
        }
        byte[] frame = new byte[size];
        in.readFully(frame);
        return ByteBuffer.wrap(frame);
    }

    /** Sends a request and parses its response, checking the correlation id. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        int id = nextCorrelationId();
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "spillway-it-wire", id);
        writeFrame(serialize(request, id));
        ByteBuffer response = readFrame();
        return (R) AbstractResponse.parseResponse(response, header);
    }

    /** The broker's ApiVersions answer (latest version both sides know). */
    ApiVersionsResponseData apiVersions() throws IOException {
        ApiVersionsResponse response = send(new ApiVersionsRequest.Builder().build(ApiKeys.API_VERSIONS.latestVersion()));
        return response.data();
    }

    /**
     * Waits for the broker's reaction: a complete response frame, the connection being closed (EOF or
     * reset), or nothing within the read timeout.
     */
    Outcome awaitOutcome() throws IOException {
        try {
            readFrame();
            return Outcome.RESPONSE;
        } catch (SocketTimeoutException e) {
            return Outcome.NO_ANSWER;
        } catch (EOFException e) {
            return Outcome.CLOSED;
        } catch (SocketException e) {
            // "Connection reset": the broker closed while our bytes were unread.
            return Outcome.CLOSED;
        }
    }

    /** True if the broker closes the connection (EOF/reset) within the read timeout, draining any responses. */
    boolean closedByBroker() throws IOException {
        while (true) {
            Outcome outcome = awaitOutcome();
            if (outcome != Outcome.RESPONSE) {
                return outcome == Outcome.CLOSED;
            }
        }
    }

    /** Any request from its message data, at {@code version} (for request classes without a public constructor). */
    static AbstractRequest request(ApiKeys key, ApiMessage data, short version) {
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(data, version).buffer();
        return AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(bytes)).request;
    }

    /** ApiVersions v0 response body parse, for the unsupported-version fallback. */
    static ApiVersionsResponseData parseApiVersionsV0(ByteBuffer bodyAfterCorrelationId) {
        return new ApiVersionsResponseData(new ByteBufferAccessor(bodyAfterCorrelationId), (short) 0);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
