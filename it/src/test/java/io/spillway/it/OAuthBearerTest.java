package io.spillway.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.spillway.protocol.security.SaslAuthenticator;
import io.spillway.server.ServerConfig;
import io.spillway.server.SpillwayServer;
import io.spillway.testkit.JwtIssuer;
import io.spillway.testkit.TempDirs;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SASL OAUTHBEARER with JWTs checked against the identity provider's JWKS, configured with Kafka's settings: Java
 * clients log in with signed tokens over SASL_PLAINTEXT and SASL_SSL (JWKS from a file) and over a listener of its
 * own whose JWKS comes from an HTTP endpoint, and produce and consume; the token's subject is the principal ACLs
 * see; expired, forged, foreign-audience, foreign-issuer, unknown-key, unsigned and malformed tokens are refused
 * with SaslAuthenticationException and logged without the token, and the broker goes on serving; the session ends
 * with the token; a broker with OAUTHBEARER but no JWKS does not start. Keys and tokens are made in the test.
 */
class OAuthBearerTest {
    private static final TestPki PKI = TestPki.create();
    private static final Path BROKER_KEYS = PKI.keyStore("broker", "localhost", "ca", false);
    /** The identity provider of the file-configured listeners. */
    private static final JwtIssuer IDP = JwtIssuer.create("idp-key-1");
    /** Another identity provider, whose keys only the HTTPJWKS listener gets (from its HTTP endpoint). */
    private static final JwtIssuer HTTP_IDP = JwtIssuer.create("http-key-1");
    private static final Path JWKS_FILE = JwtIssuer.writeJwks(PKI.dir().resolve("jwks.json"), IDP);
    private static final JwksHttpServer JWKS_ENDPOINT = JwksHttpServer.serve(JwtIssuer.jwksJson(HTTP_IDP));
    private static final long HTTP_LISTENER_REAUTH_MS = 60_000;

    @RegisterExtension
    static final EmbeddedBroker BROKER = EmbeddedBroker.create()
            .set("listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,HTTPJWKS://127.0.0.1:0")
            .set("listener.security.protocol.map",
                    "SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,HTTPJWKS:SASL_PLAINTEXT")
            .set("sasl.enabled.mechanisms", "OAUTHBEARER")
            .set("sasl.oauthbearer.jwks.endpoint.url", JWKS_FILE.toUri().toString())
            .set("sasl.oauthbearer.expected.audience", JwtIssuer.AUDIENCE)
            .set("sasl.oauthbearer.expected.issuer", JwtIssuer.ISSUER)
            .set("listener.name.httpjwks.oauthbearer.sasl.oauthbearer.jwks.endpoint.url", JWKS_ENDPOINT.url())
            .set("listener.name.httpjwks.connections.max.reauth.ms", Long.toString(HTTP_LISTENER_REAUTH_MS))
            .set("ssl.keystore.location", BROKER_KEYS.toString())
            .set("ssl.keystore.password", TestPki.PASSWORD)
            .set("ssl.keystore.type", "PKCS12")
            .set("ssl.truststore.location", PKI.trustStore("ca").toString())
            .set("ssl.truststore.password", TestPki.PASSWORD)
            .set("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
            .set("super.users", "User:admin");

    @AfterAll
    static void cleanUp() {
        JWKS_ENDPOINT.close();
        PKI.delete();
    }

    private static String bootstrap(String listener) {
        return BROKER.server().bootstrap(listener);
    }

    private static int portOf(String listener) {
        String b = bootstrap(listener);
        return Integer.parseInt(b.substring(b.lastIndexOf(':') + 1));
    }

    /** Client settings to log in on {@code listener} with this token. */
    private static Map<String, Object> withToken(String listener, String token) {
        Map<String, Object> c = new HashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap(listener));
        c.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                listener.equals("SASL_SSL") ? "SASL_SSL" : "SASL_PLAINTEXT");
        c.put(SaslConfigs.SASL_MECHANISM, "OAUTHBEARER");
        c.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule "
                + "required token=\"" + token + "\";");
        c.put(SaslConfigs.SASL_LOGIN_CALLBACK_HANDLER_CLASS, StaticTokenLogin.class.getName());
        if (listener.equals("SASL_SSL")) {
            c.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, PKI.trustStore("ca").toString());
            c.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, TestPki.PASSWORD);
        }
        return c;
    }

    private static Admin admin(Map<String, Object> settings) {
        Map<String, Object> a = new HashMap<>(settings);
        a.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        a.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        return Admin.create(a);
    }

    private static String createTopic(String prefix) throws Exception {
        String topic = EmbeddedBroker.uniqueName(prefix);
        try (Admin admin = admin(withToken("SASL_PLAINTEXT", IDP.token("admin").sign()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static void assertRefused(Map<String, Object> settings) {
        try (Admin admin = admin(settings)) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    /** Collects the SASL failure lines (WARN; the tests' logback configuration shows only ERROR of the protocol). */
    private static ListAppender<ILoggingEvent> watchSaslLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(SaslAuthenticator.class);
        logger.setLevel(Level.WARN);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return appender;
    }

    private static void stopWatching(ListAppender<ILoggingEvent> appender) {
        Logger logger = (Logger) LoggerFactory.getLogger(SaslAuthenticator.class);
        logger.detachAppender(appender);
        logger.setAdditive(true);
        logger.setLevel(null);
    }

    @Test
    void aSignedTokenProducesAndConsumesOverSaslPlaintextAndSaslSsl() throws Exception {
        RecordRoundTrip.produceAndReadBack(withToken("SASL_PLAINTEXT", IDP.token("admin").sign()), createTopic("oauth-plaintext"));
        RecordRoundTrip.produceAndReadBack(withToken("SASL_SSL", IDP.token("admin").sign()), createTopic("oauth-ssl"));
    }

    @Test
    void theTokensSubjectIsThePrincipalThatAclsSee() throws Exception {
        String mine = createTopic("alice-orders");
        String theirs = createTopic("bob-orders");
        try (Admin admin = admin(withToken("SASL_PLAINTEXT", IDP.token("admin").sign()))) {
            admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, mine, PatternType.LITERAL),
                    new AccessControlEntry("User:alice", "*", AclOperation.ALL, AclPermissionType.ALLOW))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> alice = withToken("SASL_SSL", IDP.token("alice").sign());
        RecordRoundTrip.produceAndReadBack(alice, mine);
        Map<String, Object> p = new HashMap<>(alice);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(theirs, "x".getBytes(UTF_8)))
                    .get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void badTokensAreRefusedAndLoggedWithoutTheTokenAndTheBrokerGoesOn() throws Exception {
        long nowMs = System.currentTimeMillis();
        String unsigned = b64("{\"alg\":\"none\"}") + "." + b64("{\"sub\":\"alice\",\"aud\":\"spillway\",\"iss\":\""
                + JwtIssuer.ISSUER + "\",\"exp\":" + (nowMs / 1000 + 600) + ",\"iat\":" + nowMs / 1000 + "}") + ".";
        Map<String, String> badTokens = Map.of(
                "expired", IDP.token("alice").issuedAtMs(nowMs - 7_200_000).expiresAtMs(nowMs - 3_600_000).sign(),
                "signature does not verify", JwtIssuer.create("idp-key-1").token("alice").sign(),
                "audience", IDP.token("alice").audience("billing").sign(),
                "issuer", IDP.token("alice").issuer("https://evil.example").sign(),
                "no key in the JWKS matches kid 'rotated-away'", IDP.token("alice").keyId("rotated-away").sign(),
                "unsigned", unsigned,
                "not a JWT", "not-a-jwt");
        ListAppender<ILoggingEvent> log = watchSaslLog();
        try {
            badTokens.forEach((why, token) -> assertRefused(withToken("SASL_PLAINTEXT", token)));
        } finally {
            stopWatching(log);
        }
        List<String> lines = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        badTokens.forEach((why, token) -> {
            assertThat(lines).as(why).anySatisfy(line -> assertThat(line).contains("OAUTHBEARER").contains(why)
                    .contains("/127.0.0.1:").contains("listener SASL_PLAINTEXT")
                    .contains(why.equals("not a JWT") ? "no user name" : "user 'alice'"));
            assertThat(lines).as(why).noneSatisfy(line -> assertThat(line).contains(token));
        });
        // Everyone else is still served.
        RecordRoundTrip.produceAndReadBack(withToken("SASL_PLAINTEXT", IDP.token("admin").sign()), createTopic("after-refusals"));
    }

    @Test
    void eachListenerChecksTokensWithItsOwnJwksAndOneListenerFetchesItOverHttp() throws Exception {
        String fromHttpIdp = HTTP_IDP.token("admin").sign();
        RecordRoundTrip.produceAndReadBack(withToken("HTTPJWKS", fromHttpIdp), createTopic("oauth-http"));
        assertRefused(withToken("SASL_PLAINTEXT", fromHttpIdp));
        assertRefused(withToken("HTTPJWKS", IDP.token("admin").sign()));
    }

    /** Logs in on a raw connection with SaslAuthenticate v2 and returns the session lifetime the broker told. */
    private static long login(WireClient client, String token) throws Exception {
        SaslHandshakeResponse handshake = client.send(WireClient.request(ApiKeys.SASL_HANDSHAKE,
                new SaslHandshakeRequestData().setMechanism("OAUTHBEARER"), (short) 1));
        assertThat(handshake.data().errorCode()).isEqualTo(Errors.NONE.code());
        SaslAuthenticateResponse auth = client.send(WireClient.request(ApiKeys.SASL_AUTHENTICATE,
                new SaslAuthenticateRequestData().setAuthBytes(("n,,\u0001auth=Bearer " + token + "\u0001\u0001")
                        .getBytes(UTF_8)), (short) 2));
        assertThat(auth.data().errorCode()).isEqualTo(Errors.NONE.code());
        return auth.data().sessionLifetimeMs();
    }

    private static MetadataRequest metadata() {
        return new MetadataRequest.Builder(List.of(), false).build((short) 12);
    }

    @Test
    void theSessionEndsWhenTheTokenExpiresUnlessRenewedAndAtConnectionsMaxReauthMs() throws Exception {
        long expiresAtMs = System.currentTimeMillis() + 3_000;
        try (WireClient expiring = new WireClient("127.0.0.1", portOf("SASL_PLAINTEXT"), 10_000);
             WireClient renewing = new WireClient("127.0.0.1", portOf("SASL_PLAINTEXT"), 10_000)) {
            long lifetimeMs = login(expiring, IDP.token("admin").expiresAtMs(expiresAtMs).sign());
            assertThat(lifetimeMs).isPositive().isLessThanOrEqualTo(3_000);
            MetadataResponse served = expiring.send(metadata());
            assertThat(served.data().brokers()).hasSize(1);
            // KIP-368 on the same connection, though connections.max.reauth.ms is 0 here: the token's expiry ends
            // the session, so a fresh token of the same subject renews it.
            assertThat(login(renewing, IDP.token("admin").expiresAtMs(expiresAtMs).sign())).isPositive();
            assertThat(login(renewing, IDP.token("admin").sign())).isGreaterThan(3_500_000);

            Thread.sleep(expiresAtMs - System.currentTimeMillis() + 500);
            expiring.writeFrame(WireClient.serialize(metadata(), expiring.nextCorrelationId()));
            assertThat(expiring.closedByBroker()).as("closed once the token expired").isTrue();
            MetadataResponse afterRenewal = renewing.send(metadata());
            assertThat(afterRenewal.data().brokers()).as("renewed").hasSize(1);
        }
        try (WireClient client = new WireClient("127.0.0.1", portOf("HTTPJWKS"), 10_000)) {
            assertThat(login(client, HTTP_IDP.token("admin").sign())).isEqualTo(HTTP_LISTENER_REAUTH_MS);
        }
        try (WireClient client = new WireClient("127.0.0.1", portOf("HTTPJWKS"), 10_000)) {
            long shortLived = login(client, HTTP_IDP.token("admin")
                    .expiresAtMs(System.currentTimeMillis() + 20_000).sign());
            assertThat(shortLived).isPositive().isLessThanOrEqualTo(20_000);
        }
    }

    @Test
    void aBrokerWithOauthbearerButNoUsableJwksDoesNotStart() {
        Path dir = TempDirs.create("spillway-it-oauth-no-jwks");
        try {
            ServerConfig.Builder config = ServerConfig.builder().dataDir(dir).host("127.0.0.1").port(0)
                    .set("listeners", "SASL_PLAINTEXT://127.0.0.1:0")
                    .set("sasl.enabled.mechanisms", "OAUTHBEARER,SCRAM-SHA-512")
                    .set("sasl.oauthbearer.expected.audience", JwtIssuer.AUDIENCE)
                    .set("sasl.oauthbearer.expected.issuer", JwtIssuer.ISSUER);
            assertThatThrownBy(() -> SpillwayServer.start(config.build()).close())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Listener SASL_PLAINTEXT enables SASL mechanism OAUTHBEARER")
                    .hasMessageContaining("sasl.oauthbearer.jwks.endpoint.url is not set")
                    .hasMessageContaining("listener.name.sasl_plaintext.oauthbearer.");
            // The listener's own setting (here without the mechanism prefix) is the one used.
            config.set("sasl.oauthbearer.jwks.endpoint.url", JWKS_FILE.toUri().toString())
                    .set("listener.name.sasl_plaintext.sasl.oauthbearer.jwks.endpoint.url",
                            dir.resolve("no-such-jwks.json").toUri().toString());
            assertThatThrownBy(() -> SpillwayServer.start(config.build()).close())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-jwks.json");
        } finally {
            TempDirs.deleteQuietly(dir);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(UTF_8));
    }
}
