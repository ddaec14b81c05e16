package io.spillway.protocol.security;

import io.spillway.common.ManualTime;
import io.spillway.testkit.JwtIssuer;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The OAUTHBEARER exchange through kafka-clients' SASL server with our validator: the principal is the token's
 * subject; the session ends at the token's expiry or connections.max.reauth.ms, whichever is first; a refused
 * token gets RFC 7628's error round and then SASL_AUTHENTICATION_FAILED.
 */
class SaslAuthenticatorOAuthBearerTest {
    private static JwtIssuer idp;

    @TempDir
    static Path dir;
    private static JwtTokenValidator validator;
    private static final ManualTime TIME = new ManualTime(System.currentTimeMillis() / 1000 * 1000);

    @BeforeAll
    static void identityProvider() {
        idp = JwtIssuer.create("k1");
        Path jwks = JwtIssuer.writeJwks(dir.resolve("jwks.json"), idp);
        validator = JwtTokenValidator.create(OAuthBearerSettings.parse(Map.of(
                "sasl.oauthbearer.jwks.endpoint.url", jwks.toUri().toString(),
                "sasl.oauthbearer.expected.audience", JwtIssuer.AUDIENCE,
                "sasl.oauthbearer.expected.issuer", JwtIssuer.ISSUER)), TIME);
    }

    private static SaslAuthenticator authenticator(long reauthMs, KafkaPrincipal renewing) {
        SaslAuthenticator sasl = new SaslAuthenticator(List.of("OAUTHBEARER"),
                new SaslServers((user, mechanism) -> null, TIME), validator, "SASL_PLAINTEXT", "/127.0.0.1:50000",
                reauthMs, renewing);
        assertThat(sasl.handshake(new SaslHandshakeRequestData().setMechanism("OAUTHBEARER"), (short) 1).errorCode())
                .isEqualTo(Errors.NONE.code());
        return sasl;
    }

    /** The client's first message as RFC 7628 and Kafka's client write it. */
    private static SaslAuthenticateRequestData initialResponse(String token) {
        return new SaslAuthenticateRequestData()
                .setAuthBytes(("n,,\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(UTF_8));
    }

    private static String expiringInMs(String subject, long ms) {
        return idp.token(subject).issuedAtMs(TIME.nowMs()).expiresAtMs(TIME.nowMs() + ms).sign();
    }

    @Test
    void theSessionEndsWhenTheTokenExpires() {
        SaslAuthenticator sasl = authenticator(0, null);
        SaslAuthenticateResponseData response = sasl.authenticate(initialResponse(expiringInMs("alice", 600_000)),
                (short) 2);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(sasl.isComplete()).isTrue();
        assertThat(sasl.principal()).isEqualTo(new KafkaPrincipal("User", "alice"));
        assertThat(response.sessionLifetimeMs()).isEqualTo(600_000);
        assertThat(sasl.sessionLifetimeMs()).isEqualTo(600_000);
    }

    @Test
    void connectionsMaxReauthMsShortensItForClientsThatCanRenew() {
        SaslAuthenticator sasl = authenticator(60_000, null);
        SaslAuthenticateResponseData response = sasl.authenticate(initialResponse(expiringInMs("alice", 600_000)),
                (short) 1);
        assertThat(response.sessionLifetimeMs()).isEqualTo(60_000);
        assertThat(sasl.sessionLifetimeMs()).isEqualTo(60_000);

        SaslAuthenticator shortToken = authenticator(60_000, null);
        assertThat(shortToken.authenticate(initialResponse(expiringInMs("alice", 20_000)), (short) 2)
                .sessionLifetimeMs()).isEqualTo(20_000);

        SaslAuthenticator oldClient = authenticator(60_000, null);
        oldClient.authenticate(initialResponse(expiringInMs("alice", 600_000)), (short) 0);
        assertThat(oldClient.sessionLifetimeMs()).as("v0: bound by the token alone").isEqualTo(600_000);
    }

    @Test
    void aTokenExpiredWithinTheClockSkewGetsASessionThatEndsAtOnce() {
        SaslAuthenticator sasl = authenticator(0, null);
        String token = idp.token("alice").issuedAtMs(TIME.nowMs() - 60_000).expiresAtMs(TIME.nowMs() - 5_000).sign();
        SaslAuthenticateResponseData response = sasl.authenticate(initialResponse(token), (short) 2);
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(sasl.isComplete()).isTrue();
        assertThat(response.sessionLifetimeMs()).as("nothing to renew with").isZero();
        assertThat(sasl.sessionLifetimeMs()).as("closed at the next request").isEqualTo(1);
    }

    @Test
    void aRefusedTokenGetsTheErrorRoundThenSaslAuthenticationFailed() {
        SaslAuthenticator sasl = authenticator(0, null);
        String forged = JwtIssuer.create("k1").token("admin").sign();
        SaslAuthenticateResponseData challenge = sasl.authenticate(initialResponse(forged), (short) 2);
        assertThat(challenge.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(new String(challenge.authBytes(), UTF_8)).contains("invalid_token");
        assertThat(sasl.isComplete()).isFalse();
        SaslAuthenticateResponseData refused = sasl.authenticate(new SaslAuthenticateRequestData()
                .setAuthBytes(new byte[] {1}), (short) 2);
        assertThat(refused.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(refused.errorMessage()).doesNotContain(forged);
        assertThat(sasl.failed()).isTrue();
        assertThat(sasl.principal()).isNull();
    }

    @Test
    void aMalformedClientMessageFails() {
        SaslAuthenticator sasl = authenticator(0, null);
        SaslAuthenticateResponseData refused = sasl.authenticate(new SaslAuthenticateRequestData()
                .setAuthBytes("not rfc 7628".getBytes(UTF_8)), (short) 2);
        assertThat(refused.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(sasl.failed()).isTrue();
    }

    @Test
    void aRenewalMustPresentATokenOfTheSameSubject() {
        KafkaPrincipal alice = new KafkaPrincipal("User", "alice");
        SaslAuthenticator renewed = authenticator(0, alice);
        assertThat(renewed.authenticate(initialResponse(expiringInMs("alice", 600_000)), (short) 2).errorCode())
                .isEqualTo(Errors.NONE.code());
        SaslAuthenticator other = authenticator(0, alice);
        SaslAuthenticateResponseData refused = other.authenticate(initialResponse(expiringInMs("bob", 600_000)),
                (short) 2);
        assertThat(refused.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(refused.errorMessage()).contains("Cannot change principals");
    }
}
