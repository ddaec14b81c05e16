package io.spillway.it;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-authentication (KIP-368) with {@code connections.max.reauth.ms}: a Java producer renews its SASL session on
 * the same connection while it keeps producing; a client that lets its session expire has its connection closed at
 * its next request; a renewal as another principal is refused.
 */
class SaslReauthenticationTest {
    private static final long REAUTH_MS = 1500;

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
            .set("connections.max.reauth.ms", Long.toString(REAUTH_MS))
            .set("spillway.sasl.bootstrap.users", "alice:alice-pw,bob:bob-pw");

    private static WireClient plainLogin(String user, String password) throws Exception {
        WireClient client = new WireClient("127.0.0.1", BROKER.port(), 10_000);
        SaslHandshakeResponse handshake = client.send(WireClient.request(ApiKeys.SASL_HANDSHAKE,
                new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1));
        assertThat(handshake.data().errorCode()).isEqualTo(Errors.NONE.code());
        SaslAuthenticateResponse auth = client.send(WireClient.request(ApiKeys.SASL_AUTHENTICATE,
                new SaslAuthenticateRequestData().setAuthBytes(("\0" + user + "\0" + password).getBytes(UTF_8)),
                (short) 2));
        assertThat(auth.data().errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(auth.data().sessionLifetimeMs()).isEqualTo(REAUTH_MS);
        return client;
    }

    private static MetadataRequest metadata() {
        return new MetadataRequest.Builder(List.of(), false).build((short) 12);
    }

    @Test
    void aJavaProducerRenewsItsSessionWhileItProduces() throws Exception {
        String topic = "reauth-" + System.nanoTime();
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap());
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        c.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"alice\" password=\"alice-pw\";");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * REAUTH_MS);
            int sent = 0;
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>(topic, ("r" + sent++).getBytes(UTF_8))).get(30, TimeUnit.SECONDS);
                Thread.sleep(50);
            }
            double renewals = 0;
            for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
                if (m.getKey().name().equals("successful-reauthentication-total")
                        && m.getKey().group().equals("producer-metrics")) {
                    renewals += ((Number) m.getValue().metricValue()).doubleValue();
                }
            }
            assertThat(renewals).as("sessions renewed on the open connections").isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void anExpiredSessionEndsTheConnectionAtTheNextRequest() throws Exception {
        try (WireClient client = plainLogin("alice", "alice-pw")) {
            MetadataResponse served = client.send(metadata());
            assertThat(served.data().brokers()).hasSize(1);
            Thread.sleep(REAUTH_MS + 500);
            client.writeFrame(WireClient.serialize(metadata(), client.nextCorrelationId()));
            assertThat(client.closedByBroker()).isTrue();
        }
    }

    @Test
    void aRenewalAsAnotherPrincipalIsRefused() throws Exception {
        try (WireClient client = plainLogin("alice", "alice-pw")) {
            SaslHandshakeResponse handshake = client.send(WireClient.request(ApiKeys.SASL_HANDSHAKE,
                    new SaslHandshakeRequestData().setMechanism("PLAIN"), (short) 1));
            assertThat(handshake.data().errorCode()).isEqualTo(Errors.NONE.code());
            SaslAuthenticateResponse auth = client.send(WireClient.request(ApiKeys.SASL_AUTHENTICATE,
                    new SaslAuthenticateRequestData().setAuthBytes("\0bob\0bob-pw".getBytes(UTF_8)), (short) 2));
            assertThat(auth.data().errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(auth.data().errorMessage()).contains("Cannot change principals");
            assertThat(client.closedByBroker()).isTrue();
        }
    }
}
