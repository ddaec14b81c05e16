package io.spillway.protocol.security;

import io.spillway.common.ManualTime;
import io.spillway.testkit.JwtIssuer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JwtTokenValidatorTest {
    private static JwtIssuer idp;
    private static JwtIssuer stranger;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime(System.currentTimeMillis());

    @BeforeAll
    static void keys() {
        idp = JwtIssuer.create("key-1");
        stranger = JwtIssuer.create("key-1"); // same kid, other key: a forged signature
    }

    private JwtTokenValidator validator(Map<String, String> extra, JwtIssuer... keys) {
        Path jwks = JwtIssuer.writeJwks(dir.resolve("jwks.json"), keys.length == 0 ? new JwtIssuer[] {idp} : keys);
        Map<String, String> s = new HashMap<>();
        s.put("sasl.oauthbearer.jwks.endpoint.url", jwks.toUri().toString());
        s.put("sasl.oauthbearer.expected.audience", JwtIssuer.AUDIENCE);
        s.put("sasl.oauthbearer.expected.issuer", JwtIssuer.ISSUER);
        s.putAll(extra);
        return JwtTokenValidator.create(OAuthBearerSettings.parse(s), time);
    }

    private JwtTokenValidator validator() {
        return validator(Map.of());
    }

    /** The refusal of a token; its message must never carry the token or its signature. */
    private static InvalidTokenException refusal(JwtTokenValidator validator, String token) {
        InvalidTokenException e = catchThrowableOfType(InvalidTokenException.class, () -> validator.validate(token));
        assertThat(e).as("refused").isNotNull();
        if (!token.isEmpty()) {
            assertThat(e.getMessage()).doesNotContain(token);
        }
        int lastDot = token.lastIndexOf('.');
        if (lastDot > 0 && token.length() - lastDot > 8) {
            assertThat(e.getMessage()).doesNotContain(token.substring(lastDot + 1));
        }
        return e;
    }

    @Test
    void aValidTokenGivesItsSubjectScopesExpiryAndIssueTime() throws Exception {
        long nowMs = time.nowMs();
        String token = idp.token("alice").issuedAtMs(nowMs - 10_000).expiresAtMs(nowMs + 600_000)
                .claim("scope", "produce  consume").sign();
        JwtAccessToken accepted = validator().validate(token);
        assertThat(accepted.principalName()).isEqualTo("alice");
        assertThat(accepted.value()).isEqualTo(token);
        assertThat(accepted.scope()).containsExactlyInAnyOrder("produce", "consume");
        assertThat(accepted.lifetimeMs()).isEqualTo((nowMs + 600_000) / 1000 * 1000);
        assertThat(accepted.startTimeMs()).isEqualTo((nowMs - 10_000) / 1000 * 1000);
        assertThat(accepted.toString()).contains("alice").doesNotContain(token);
    }

    @Test
    void scopesMayBeAListAndClaimNamesAreConfigurable() throws Exception {
        JwtTokenValidator validator = validator(Map.of("sasl.oauthbearer.sub.claim.name", "client_id",
                "sasl.oauthbearer.scope.claim.name", "scp"));
        JwtAccessToken accepted = validator.validate(idp.token("ignored").claim("client_id", "billing-app")
                .claim("scp", List.of("read", "write")).sign());
        assertThat(accepted.principalName()).isEqualTo("billing-app");
        assertThat(accepted.scope()).containsExactlyInAnyOrder("read", "write");
        assertThat(refusal(validator, idp.token("alice").sign()).getMessage()).contains("no client_id claim");
    }

    @Test
    void anExpiredTokenIsRefusedOnceBeyondTheClockSkew() throws Exception {
        long nowMs = time.nowMs();
        String token = idp.token("alice").issuedAtMs(nowMs - 3_600_000).expiresAtMs(nowMs - 10_000).sign();
        assertThat(validator().validate(token).principalName()).as("within 30 s of skew").isEqualTo("alice");
        time.advanceMs(30_000);
        InvalidTokenException e = refusal(validator(), token);
        assertThat(e.getMessage()).contains("expired at").contains("clock skew 30 s");
        assertThat(e.claimedSubject()).isEqualTo("alice");
        JwtTokenValidator strict = validator(Map.of("sasl.oauthbearer.clock.skew.seconds", "0"));
        assertThat(refusal(strict, idp.token("bob").expiresAtMs(time.nowMs() - 1000).sign()).getMessage())
                .contains("expired");
    }

    @Test
    void aForeignSignatureAnUnknownKidAndAnUnsignedTokenAreRefused() {
        JwtTokenValidator validator = validator();
        assertThat(refusal(validator, stranger.token("alice").sign()).getMessage())
                .contains("signature does not verify").contains("key-1");
        assertThat(refusal(validator, idp.token("alice").keyId("key-9").sign()).getMessage())
                .contains("no key in the JWKS matches kid 'key-9'");
        String header = b64("{\"alg\":\"none\"}");
        String claims = b64("{\"sub\":\"alice\",\"aud\":\"spillway\",\"iss\":\"" + JwtIssuer.ISSUER
                + "\",\"exp\":" + (time.nowMs() / 1000 + 600) + ",\"iat\":" + time.nowMs() / 1000 + "}");
        assertThat(refusal(validator, header + "." + claims + ".").getMessage()).contains("unsigned");
        // A signed token with its claims changed afterwards.
        String[] parts = idp.token("alice").sign().split("\\.");
        String tampered = parts[0] + "." + b64("{\"sub\":\"admin\"}") + "." + parts[2];
        InvalidTokenException e = refusal(validator, tampered);
        assertThat(e.getMessage()).contains("signature does not verify");
        assertThat(e.claimedSubject()).isEqualTo("admin");
    }

    @Test
    void theAudienceAndIssuerMustBeTheExpectedOnes() {
        JwtTokenValidator validator = validator();
        assertThat(refusal(validator, idp.token("alice").audience("billing").sign()).getMessage())
                .contains("audience billing is none of the expected [spillway]");
        assertThat(refusal(validator, idp.token("alice").audience(null).sign()).getMessage()).contains("audience");
        assertThat(refusal(validator, idp.token("alice").issuer("https://evil.example").sign()).getMessage())
                .contains("issuer 'https://evil.example' is not the expected");
        assertThat(refusal(validator, idp.token("alice").issuer(null).sign()).getMessage()).contains("issuer");
    }

    @Test
    void oneOfSeveralAudiencesIsEnoughAndAnOptOutSkipsTheChecks() throws Exception {
        assertThat(validator().validate(idp.token("alice").audience(List.of("billing", "spillway")).sign())
                .principalName()).isEqualTo("alice");
        JwtTokenValidator open = validator(Map.of("sasl.oauthbearer.allow.unverified.audience", "true",
                "sasl.oauthbearer.allow.unverified.issuer", "true", "sasl.oauthbearer.expected.audience", "",
                "sasl.oauthbearer.expected.issuer", ""));
        assertThat(open.validate(idp.token("alice").audience("anyone").issuer("anybody").sign()).principalName())
                .isEqualTo("alice");
    }

    @Test
    void requiredClaimsAndMalformedTokensAreRefused() {
        JwtTokenValidator validator = validator();
        assertThat(refusal(validator, idp.token("alice").claim("exp", null).sign()).getMessage()).contains("no exp");
        assertThat(refusal(validator, idp.token("alice").claim("iat", null).sign()).getMessage()).contains("no iat");
        assertThat(refusal(validator, idp.token(null).sign()).getMessage()).contains("no sub claim");
        assertThat(refusal(validator, idp.token("alice").claim("nbf", time.nowMs() / 1000 + 600).sign())
                .getMessage()).contains("not valid before");
        for (String garbage : List.of("", "garbage", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln")) {
            InvalidTokenException e = refusal(validator, garbage);
            assertThat(e.getMessage()).contains("not a JWT");
            assertThat(e.claimedSubject()).isNull();
        }
    }

    @Test
    void aChangedJwksFileIsReadAgainAndABrokenOneKeepsTheOldKeys() throws Exception {
        JwtTokenValidator validator = validator();
        Path jwks = dir.resolve("jwks.json");
        JwtIssuer next = JwtIssuer.create("key-2");
        String rotated = next.token("alice").sign();
        assertThat(refusal(validator, rotated).getMessage()).contains("no key in the JWKS matches kid 'key-2'");

        JwtIssuer.writeJwks(jwks, idp, next);
        Files.setLastModifiedTime(jwks, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        assertThat(validator.validate(rotated).principalName()).isEqualTo("alice");
        assertThat(validator.validate(idp.token("bob").sign()).principalName()).isEqualTo("bob");

        Files.writeString(jwks, "{\"keys\": [ not json", UTF_8);
        Files.setLastModifiedTime(jwks, FileTime.fromMillis(System.currentTimeMillis() + 4000));
        assertThat(validator.validate(rotated).principalName()).as("old keys kept").isEqualTo("alice");

        JwtIssuer.writeJwks(jwks, next);
        Files.setLastModifiedTime(jwks, FileTime.fromMillis(System.currentTimeMillis() + 6000));
        assertThat(refusal(validator, idp.token("bob").sign()).getMessage()).as("a key removed from the file")
                .contains("no key in the JWKS matches kid 'key-1'");
    }

    @Test
    void aJwksFileThatCannotBeReadAtStartupIsRefused() throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put("sasl.oauthbearer.jwks.endpoint.url", dir.resolve("missing.json").toUri().toString());
        s.put("sasl.oauthbearer.expected.audience", "a");
        s.put("sasl.oauthbearer.expected.issuer", "i");
        assertThatThrownBy(() -> JwtTokenValidator.create(OAuthBearerSettings.parse(s), time))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.json");
        Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}", UTF_8);
        s.put("sasl.oauthbearer.jwks.endpoint.url", dir.resolve("empty.json").toUri().toString());
        assertThatThrownBy(() -> JwtTokenValidator.create(OAuthBearerSettings.parse(s), time))
                .hasMessageContaining("no keys");
    }

    @Test
    void claimsOfARefusedTokenAreMadeSafeForALogLine() {
        assertThat(JwtTokenValidator.loggable("alice\nFAKE LOG LINE")).isEqualTo("alice?FAKE LOG LINE");
        assertThat(JwtTokenValidator.loggable("x".repeat(500))).hasSize(203);
        assertThat(JwtTokenValidator.redact("bad a.b.signature-part here", "a.b.signature-part"))
                .isEqualTo("bad [token] here");
        assertThat(JwtTokenValidator.redact("sig signature-part", "a.b.signature-part"))
                .isEqualTo("sig [signature]");
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(UTF_8));
    }
}
