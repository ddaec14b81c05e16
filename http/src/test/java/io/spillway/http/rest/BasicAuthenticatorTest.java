package io.spillway.http.rest;

import io.spillway.broker.ScramCredentials;
import io.spillway.http.Request;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BasicAuthenticatorTest {
    @TempDir
    Path dir;
    private MetadataStore meta;
    private ScramCredentials credentials;
    private final AtomicBoolean required = new AtomicBoolean(true);
    private BasicAuthenticator authenticator;

    @BeforeEach
    void setUp() {
        meta = MetadataStore.open(dir.resolve("meta"));
        credentials = new ScramCredentials(meta);
        authenticator = new BasicAuthenticator(credentials, required::get);
    }

    @AfterEach
    void tearDown() throws Exception {
        meta.close();
    }

    private static Request request(String authorization) {
        Map<String, String> headers = authorization == null ? Map.of() : Map.of("authorization", authorization);
        return new Request("GET", "/api/v1/topics", Map.of(), headers, new byte[0], "10.0.0.7");
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private void unauthorized(Request request, String message) {
        assertThatThrownBy(() -> authenticator.authenticate(request)).isInstanceOfSatisfying(RestException.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.error()).isEqualTo("SASL_AUTHENTICATION_FAILED");
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void withoutSecurityEveryoneIsAnonymous() {
        required.set(false);
        Caller caller = authenticator.authenticate(request(null));
        assertThat(caller.principal()).isEqualTo(KafkaPrincipal.ANONYMOUS);
        assertThat(caller.address()).isEqualTo("10.0.0.7");
        assertThat(caller.authenticated()).isFalse();
    }

    @Test
    void aScramUsersPasswordIsCheckedAgainstTheStoredKeys() {
        credentials.bootstrap("alice", "SCRAM-SHA-256", "alice-pw", 4096);
        credentials.bootstrap("bob", "SCRAM-SHA-512", "bob:pw", 4096);
        assertThat(credentials.hasUsers()).isTrue();

        Caller alice = authenticator.authenticate(request(basic("alice:alice-pw")));
        assertThat(alice.principal()).isEqualTo(new KafkaPrincipal("User", "alice"));
        assertThat(alice.authenticated()).isTrue();
        assertThat(authenticator.authenticate(request(basic("bob:bob:pw"))).principal().getName()).isEqualTo("bob");

        unauthorized(request(basic("alice:wrong")), "unknown user or wrong password");
        unauthorized(request(basic("mallory:alice-pw")), "unknown user or wrong password");
        unauthorized(request(null), "HTTP Basic");
        unauthorized(request("Bearer abc"), "HTTP Basic");
        unauthorized(request("Basic !!!"), "not valid base64");
        unauthorized(request(basic("alice")), "user:password");
    }
}
