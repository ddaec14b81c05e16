package io.spillway.meta.config;

import static io.spillway.meta.config.BrokerConfigCatalog.READ_ONLY;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;

/**
 * Kafka's TLS settings ({@code ssl.*}) and the OAUTHBEARER token-check settings ({@code sasl.oauthbearer.*}) the
 * broker uses, with names, types and defaults taken from kafka-clients' own definitions so they are exactly Kafka's.
 * Listeners read them (also under {@code listener.name.<name>.}) and check how they fit together. Kafka's client-side
 * SASL settings mean nothing to the broker: see {@link KafkaSettingsWithoutEffect}. Part of {@link BrokerConfigCatalog}.
 */
final class KafkaSecurityKeys {
    /** The {@code sasl.oauthbearer.*} settings a listener checks tokens with (the others configure clients). */
    private static final Set<String> OAUTHBEARER_BROKER_SETTINGS = Set.of(
            SaslConfigs.SASL_OAUTHBEARER_JWKS_ENDPOINT_URL, SaslConfigs.SASL_OAUTHBEARER_JWKS_ENDPOINT_REFRESH_MS,
            SaslConfigs.SASL_OAUTHBEARER_EXPECTED_AUDIENCE, SaslConfigs.SASL_OAUTHBEARER_EXPECTED_ISSUER,
            SaslConfigs.SASL_OAUTHBEARER_ALLOW_UNVERIFIED_AUDIENCE, SaslConfigs.SASL_OAUTHBEARER_ALLOW_UNVERIFIED_ISSUER,
            SaslConfigs.SASL_OAUTHBEARER_SUB_CLAIM_NAME, SaslConfigs.SASL_OAUTHBEARER_SCOPE_CLAIM_NAME,
            SaslConfigs.SASL_OAUTHBEARER_CLOCK_SKEW_SECONDS);

    private KafkaSecurityKeys() {
    }

    static List<BrokerConfigKey> all() {
        ConfigDef def = new ConfigDef();
        SslConfigs.addClientSslSupport(def);
        SaslConfigs.addClientSaslSupport(def);
        List<BrokerConfigKey> keys = new ArrayList<>();
        for (ConfigDef.ConfigKey k : def.configKeys().values()) {
            boolean tls = k.name.startsWith("ssl.");
            if (tls || OAUTHBEARER_BROKER_SETTINGS.contains(k.name)) {
                String defaultValue = k.defaultValue == null || k.defaultValue == ConfigDef.NO_DEFAULT_VALUE
                        ? null : ConfigDef.convertToString(k.defaultValue, k.type);
                keys.add(BrokerConfigCatalog.key(k.name, ConfigType.valueOf(k.type.name()), defaultValue, READ_ONLY,
                        ValueRule.none(), tls
                                ? "TLS setting of TLS listeners, as in Kafka; one listener's own goes under "
                                        + "listener.name.<name>." + k.name + "."
                                : "How OAUTHBEARER listeners check tokens, as in Kafka; one listener's own goes under "
                                        + "listener.name.<name>.oauthbearer." + k.name + "."));
            }
        }
        keys.add(BrokerConfigCatalog.key(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, ConfigType.STRING,
                BrokerSecurityConfigs.SSL_CLIENT_AUTH_DEFAULT, READ_ONLY, ValueRule.oneOf("required", "requested", "none"),
                "Whether TLS listeners ask clients for a certificate: required, requested or none."));
        keys.add(BrokerConfigCatalog.key(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG, ConfigType.STRING,
                BrokerSecurityConfigs.DEFAULT_SSL_PRINCIPAL_MAPPING_RULES, READ_ONLY, ValueRule.none(),
                "Rules that turn a client certificate's distinguished name into a principal name."));
        return keys;
    }
}
