package io.spillway.it;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's connection limits (and {@code listener.name.<listener>.max.connections}): a client address beyond {@code max.connections.per.ip} (here an override for 127.0.0.2)
 * has its new connection closed at once while other addresses are served; a broker at {@code max.connections} stops
 * accepting until a connection closes, then serves the waiting client.
 */
class ConnectionLimitsTest {
    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("max.connections", "6")
            .set("max.connections.per.ip.overrides", "127.0.0.2:2");

    @RegisterExtension
    static final EmbeddedBroker TWO_LISTENERS = EmbeddedBroker.create()
            .set("listeners", "PLAINTEXT://127.0.0.1:0,ADMIN://127.0.0.1:0")
            .set("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,ADMIN:PLAINTEXT")
            .set("listener.name.plaintext.max.connections", "2");

    private enum Outcome { SERVED, CLOSED, WAITING }

    private static Socket connect(String fromAddress) throws IOException {
        return connect(fromAddress, BROKER.port());
    }

    private static Socket connect(String fromAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(fromAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return socket;
    }

    /** Sends ApiVersions and waits up to {@code waitMs} for the answer. */
    private static Outcome ask(Socket socket, int waitMs) throws IOException {
        byte[] body = WireClient.serialize(new ApiVersionsRequest.Builder().build(ApiKeys.API_VERSIONS.latestVersion()),
                1);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(ByteBuffer.allocate(4).putInt(body.length).array());
            out.write(body);
            out.flush();
        } catch (IOException closedAlready) {
            return Outcome.CLOSED;
        }
        return await(socket, waitMs);
    }

    private static Outcome await(Socket socket, int waitMs) throws IOException {
        socket.setSoTimeout(waitMs);
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            in.readFully(new byte[size]);
            return Outcome.SERVED;
        } catch (SocketTimeoutException e) {
            return Outcome.WAITING;
        } catch (EOFException e) {
            return Outcome.CLOSED;
        } catch (IOException e) {
            return Outcome.CLOSED; // reset
        }
    }

    @Test
    void anAddressBeyondItsLimitIsClosedAndOthersAreServed() throws Exception {
        Thread.sleep(200); // the other test's connections are released
        try (Socket a = connect("127.0.0.2"); Socket b = connect("127.0.0.2"); Socket c = connect("127.0.0.2");
             Socket other = connect("127.0.0.3")) {
            // Connections are set up on several event loops, so which of the three comes last is not fixed.
            assertThat(List.of(ask(a, 10_000), ask(b, 10_000), ask(c, 10_000)))
                    .containsExactlyInAnyOrder(Outcome.SERVED, Outcome.SERVED, Outcome.CLOSED);
            assertThat(ask(other, 10_000)).isEqualTo(Outcome.SERVED);
        }
        Thread.sleep(200); // the broker sees the closes
        try (Socket again = connect("127.0.0.2")) {
            assertThat(ask(again, 10_000)).as("a closed connection frees its place").isEqualTo(Outcome.SERVED);
        }
    }

    @Test
    void aFullBrokerLetsNewClientsWaitUntilAConnectionCloses() throws Exception {
        Thread.sleep(200);
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                Socket s = connect("127.0.0.4");
                open.add(s);
                assertThat(ask(s, 10_000)).isEqualTo(Outcome.SERVED);
            }
            Socket waiting = connect("127.0.0.5"); // in the listen backlog: TCP connects, nobody reads
            open.add(waiting);
            assertThat(ask(waiting, 1500)).isEqualTo(Outcome.WAITING);
            open.remove(0).close();
            assertThat(await(waiting, 10_000)).as("served once a connection closed").isEqualTo(Outcome.SERVED);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void aListenerAtItsOwnLimitLetsItsClientsWaitWhileOtherListenersServe() throws Exception {
        int plain = TWO_LISTENERS.server().port();
        String admin = TWO_LISTENERS.server().bootstrap("ADMIN");
        int adminPort = Integer.parseInt(admin.substring(admin.lastIndexOf(':') + 1));
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = connect("127.0.0.6", plain);
                open.add(s);
                assertThat(ask(s, 10_000)).isEqualTo(Outcome.SERVED);
            }
            Socket waiting = connect("127.0.0.6", plain);
            open.add(waiting);
            assertThat(ask(waiting, 1500)).isEqualTo(Outcome.WAITING);
            Socket other = connect("127.0.0.6", adminPort);
            open.add(other);
            assertThat(ask(other, 10_000)).as("the ADMIN listener is not limited").isEqualTo(Outcome.SERVED);
            open.remove(0).close();
            assertThat(await(waiting, 10_000)).as("served once a connection closed").isEqualTo(Outcome.SERVED);
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
