package io.spillway.protocol;

import io.spillway.protocol.security.JwtTokenValidator;
import io.spillway.protocol.security.SaslServers;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.ssl.SslFactory;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

import java.util.List;
import java.util.Map;

/**
 * One listener as Kafka configures it ({@code listeners=NAME://host:port} with the security protocol from
 * {@code listener.security.protocol.map}): where it binds and what a connection must do before its requests are
 * served. Immutable (the SSL factory reloads its own key material).
 *
 * @param ssl the listener's TLS (SSL, SASL_SSL), null without
 * @param sslConfigs the settings {@code ssl} was configured with (to reconfigure it when its files change)
 * @param principalMapper maps a client certificate's subject to a user name (ssl.principal.mapping.rules), or null
 * @param saslMechanisms enabled SASL mechanisms (SASL_PLAINTEXT, SASL_SSL), empty without SASL
 * @param reauthMs connections.max.reauth.ms: how long a SASL session lasts before the client must authenticate
 *     again on the same connection (KIP-368), 0 for as long as the connection
 * @param oauthBearer checks the tokens of OAUTHBEARER logins (the listener's sasl.oauthbearer.* settings); set
 *     exactly when {@code saslMechanisms} has OAUTHBEARER
 */
public record ListenerSpec(String name, SecurityProtocol protocol, String host, int port, SslFactory ssl,
                           Map<String, Object> sslConfigs, SslPrincipalMapper principalMapper,
                           List<String> saslMechanisms, long reauthMs, JwtTokenValidator oauthBearer) {
    public ListenerSpec {
        saslMechanisms = List.copyOf(saslMechanisms);
        if (saslMechanisms.contains(SaslServers.OAUTHBEARER) != (oauthBearer != null)) {
            throw new IllegalArgumentException("listener " + name + " needs a token validator exactly when it "
                    + "enables " + SaslServers.OAUTHBEARER);
        }
        // Kafka's parsed settings hold nulls (unset passwords), which Map.copyOf refuses
        sslConfigs = sslConfigs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.HashMap<>(sslConfigs));
        boolean wantsSsl = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        if (wantsSsl != (ssl != null)) {
            throw new IllegalArgumentException("listener " + name + " (" + protocol + ") "
                    + (wantsSsl ? "needs" : "cannot have") + " TLS settings");
        }
    }

    /** A PLAINTEXT listener (the embedded default). */
    public static ListenerSpec plaintext(String name, String host, int port) {
        return new ListenerSpec(name, SecurityProtocol.PLAINTEXT, host, port, null, null, null, List.of(), 0, null);
    }

    public boolean usesSasl() {
        return protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
    }
}
