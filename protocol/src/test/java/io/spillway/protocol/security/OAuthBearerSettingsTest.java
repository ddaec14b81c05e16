package io.spillway.protocol.security;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OAuthBearerSettingsTest {
    private static Map<String, String> minimal() {
        Map<String, String> s = new HashMap<>();
        s.put("sasl.oauthbearer.jwks.endpoint.url", "file:///etc/spillway/jwks.json");
        s.put("sasl.oauthbearer.expected.audience", "spillway");
        s.put("sasl.oauthbearer.expected.issuer", "https://idp.example.com");
        return s;
    }

    @Test
    void kafkasDefaultsFillInWhatIsNotSet() {
        OAuthBearerSettings settings = OAuthBearerSettings.parse(minimal());
        assertThat(settings.jwksUrl()).isEqualTo(URI.create("file:///etc/spillway/jwks.json"));
        assertThat(settings.jwksFile()).isEqualTo(Path.of("/etc/spillway/jwks.json"));
        assertThat(settings.jwksRefreshMs()).isEqualTo(3_600_000L);
        assertThat(settings.expectedAudience()).containsExactly("spillway");
        assertThat(settings.expectedIssuer()).isEqualTo("https://idp.example.com");
        assertThat(settings.subClaimName()).isEqualTo("sub");
        assertThat(settings.scopeClaimName()).isEqualTo("scope");
        assertThat(settings.clockSkewSeconds()).isEqualTo(30);
    }

    @Test
    void everySettingIsReadByItsKafkaName() {
        Map<String, String> s = minimal();
        s.put("sasl.oauthbearer.jwks.endpoint.url", "https://idp.example.com/keys");
        s.put("sasl.oauthbearer.jwks.endpoint.refresh.ms", "60000");
        s.put("sasl.oauthbearer.expected.audience", " spillway , kafka,");
        s.put("sasl.oauthbearer.sub.claim.name", "client_id");
        s.put("sasl.oauthbearer.scope.claim.name", "scp");
        s.put("sasl.oauthbearer.clock.skew.seconds", "5");
        OAuthBearerSettings settings = OAuthBearerSettings.parse(s);
        assertThat(settings.jwksFile()).isNull();
        assertThat(settings.jwksRefreshMs()).isEqualTo(60_000L);
        assertThat(settings.expectedAudience()).containsExactly("spillway", "kafka");
        assertThat(settings.subClaimName()).isEqualTo("client_id");
        assertThat(settings.scopeClaimName()).isEqualTo("scp");
        assertThat(settings.clockSkewSeconds()).isEqualTo(5);
    }

    @Test
    void withoutAJwksThereIsNoValidator() {
        Map<String, String> s = minimal();
        s.remove("sasl.oauthbearer.jwks.endpoint.url");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sasl.oauthbearer.jwks.endpoint.url is not set");
    }

    @Test
    void audienceAndIssuerAreCheckedUnlessTheOperatorOptsOutAsInKafka() {
        Map<String, String> noAudience = minimal();
        noAudience.remove("sasl.oauthbearer.expected.audience");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(noAudience))
                .hasMessageContaining("sasl.oauthbearer.expected.audience is not set")
                .hasMessageContaining("sasl.oauthbearer.allow.unverified.audience=true");
        noAudience.put("sasl.oauthbearer.allow.unverified.audience", "true");
        assertThat(OAuthBearerSettings.parse(noAudience).expectedAudience()).isEmpty();

        Map<String, String> noIssuer = minimal();
        noIssuer.remove("sasl.oauthbearer.expected.issuer");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(noIssuer))
                .hasMessageContaining("sasl.oauthbearer.expected.issuer is not set");
        noIssuer.put("sasl.oauthbearer.allow.unverified.issuer", "TRUE");
        assertThat(OAuthBearerSettings.parse(noIssuer).expectedIssuer()).isNull();
    }

    @Test
    void wrongValuesNameTheirSetting() {
        for (String url : List.of("ftp://idp/keys", "jwks.json", "file:jwks.json", "https:///keys", "::")) {
            Map<String, String> s = minimal();
            s.put("sasl.oauthbearer.jwks.endpoint.url", url);
            assertThatThrownBy(() -> OAuthBearerSettings.parse(s)).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("sasl.oauthbearer.jwks.endpoint.url");
        }
        Map<String, String> skew = minimal();
        skew.put("sasl.oauthbearer.clock.skew.seconds", "ten");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(skew)).hasMessageContaining("clock.skew.seconds");
        Map<String, String> refresh = minimal();
        refresh.put("sasl.oauthbearer.jwks.endpoint.refresh.ms", "10");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(refresh)).hasMessageContaining("refresh.ms");
        Map<String, String> flag = minimal();
        flag.put("sasl.oauthbearer.allow.unverified.issuer", "yes");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(flag)).hasMessageContaining("allow.unverified.issuer");
        Map<String, String> claim = minimal();
        claim.put("sasl.oauthbearer.sub.claim.name", " ");
        assertThatThrownBy(() -> OAuthBearerSettings.parse(claim)).hasMessageContaining("sub.claim.name");
    }
}
