package io.spillway.server;

import io.spillway.common.Time;
import io.spillway.meta.config.ConfigType;
import io.spillway.protocol.ConnectionLimits;
import io.spillway.protocol.ListenerSpec;
import io.spillway.protocol.security.JwtTokenValidator;
import io.spillway.protocol.security.OAuthBearerSettings;
import io.spillway.protocol.security.SaslServers;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.network.ConnectionMode;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.ssl.SslFactory;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The broker's listeners from Kafka's settings: {@code listeners} ({@code NAME://host:port,...}, default one
 * PLAINTEXT listener on the configured host and port), {@code listener.security.protocol.map},
 * {@code advertised.listeners}, and per listener its TLS settings ({@code listener.name.<name>.ssl.*}, else
 * {@code ssl.*}), SASL mechanisms ({@code listener.name.<name>.sasl.enabled.mechanisms}, else
 * {@code sasl.enabled.mechanisms}) and, with OAUTHBEARER, how its tokens are checked ({@code sasl.oauthbearer.*}).
 * A mistake is refused at startup with a message that names the setting.
 */
final class Listeners {
    static final String LISTENERS = "listeners";
    static final String PROTOCOL_MAP = "listener.security.protocol.map";
    static final String ADVERTISED = "advertised.listeners";
    /** Kafka's controller listeners; Spillway, without a controller quorum, does not bind them. */
    static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    private static final Logger log = LoggerFactory.getLogger(Listeners.class);
    /** Spillway supports these; Kafka's default (GSSAPI) is not among them. */
    static final List<String> DEFAULT_SASL_MECHANISMS = List.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");

    /** One listener as written in {@code listeners} or {@code advertised.listeners}. */
    record Address(String name, String host, int port) {
    }

    private Listeners() {
    }

    /**
     * The listeners to bind, in configured order; the first is the one a bare host:port bootstrap reaches.
     *
     * @param time the clock OAUTHBEARER tokens' expiry is checked against
     */
    static List<ListenerSpec> specs(ServerConfig config, Time time) {
        Map<String, SecurityProtocol> protocols = protocolMap(config);
        List<ListenerSpec> specs = new ArrayList<>();
        for (Address address : addresses(config, LISTENERS)) {
            SecurityProtocol protocol = protocols.get(address.name());
            if (protocol == null) {
                throw new IllegalArgumentException("Listener " + address.name() + " in " + LISTENERS + " has no "
                        + "security protocol: name it PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, or map it in "
                        + PROTOCOL_MAP + " (e.g. " + address.name() + ":SASL_SSL)");
            }
            boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
            boolean sasl = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
            Map<String, String> ssl = tls ? listenerSettings(config, address.name(), "ssl.") : Map.of();
            Map<String, Object> sslConfigs = tls ? sslConfigs(address.name(), ssl) : null;
            List<String> mechanisms = sasl ? saslMechanisms(config, address.name()) : List.of();
            specs.add(new ListenerSpec(address.name(), protocol, address.host(), address.port(),
                    tls ? sslFactory(address.name(), sslConfigs) : null, sslConfigs,
                    tls ? principalMapper(address.name(), ssl) : null,
                    mechanisms, sasl ? reauthMs(config, address.name()) : 0,
                    mechanisms.contains(SaslServers.OAUTHBEARER) ? oauthBearer(config, address.name(), time) : null));
        }
        return specs;
    }

    /** What each listener advertises: advertised.listeners where it names the listener, else the bind address. */
    static LinkedHashMap<String, Address> advertised(ServerConfig config, List<ListenerSpec> specs) {
        Map<String, Address> named = new HashMap<>();
        if (config.settings().containsKey(ADVERTISED)) {
            for (Address a : addresses(config, ADVERTISED)) {
                named.put(a.name(), a);
            }
        }
        LinkedHashMap<String, Address> out = new LinkedHashMap<>();
        for (ListenerSpec spec : specs) {
            Address a = named.get(spec.name());
            if (a == null) {
                String host = spec.host().isEmpty() || "0.0.0.0".equals(spec.host())
                        ? config.get(ServerConfig.ADVERTISED_HOST, "localhost")
                        : config.get(ServerConfig.ADVERTISED_HOST, spec.host());
                a = new Address(spec.name(), host, 0);
            }
            out.put(spec.name(), a);
        }
        named.keySet().removeAll(out.keySet());
        if (!named.isEmpty()) {
            throw new IllegalArgumentException(ADVERTISED + " names listeners that " + LISTENERS + " does not have: "
                    + named.keySet());
        }
        return out;
    }

    /**
     * {@code max.connections} (the whole broker) and {@code max.connections.per.ip} with
     * {@code max.connections.per.ip.overrides} ({@code host:count,...}), as Kafka names them; unset means no limit.
     */
    static ConnectionLimits connectionLimits(ServerConfig config, List<ListenerSpec> listeners) {
        int total = config.getInt("max.connections", Integer.MAX_VALUE);
        int perIp = config.getInt("max.connections.per.ip", Integer.MAX_VALUE);
        if (total < 1 || perIp < 1) {
            throw new IllegalArgumentException("max.connections and max.connections.per.ip must be at least 1");
        }
        Map<InetAddress, Integer> overrides = new HashMap<>();
        String value = config.get("max.connections.per.ip.overrides", "");
        for (String entry : value.split(",")) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int colon = e.lastIndexOf(':');
            try {
                overrides.put(InetAddress.getByName(e.substring(0, colon)), Integer.parseInt(e.substring(colon + 1)));
            } catch (RuntimeException | java.net.UnknownHostException bad) {
                throw new IllegalArgumentException("Invalid entry '" + e + "' in max.connections.per.ip.overrides: "
                        + "write host:count, e.g. 10.0.0.7:200", bad);
            }
        }
        Map<String, Integer> byListener = new HashMap<>();
        for (ListenerSpec listener : listeners) {
            String key = "listener.name." + listener.name().toLowerCase(Locale.ROOT) + ".max.connections";
            int limit = config.getInt(key, Integer.MAX_VALUE);
            if (limit < 1) {
                throw new IllegalArgumentException(key + " must be at least 1");
            }
            if (limit != Integer.MAX_VALUE) {
                byListener.put(listener.name(), limit);
            }
        }
        return new ConnectionLimits(total, perIp, overrides, byListener);
    }

    private static List<Address> addresses(ServerConfig config, String key) {
        String value = config.get(key, null);
        if (value == null || value.isBlank()) {
            return List.of(new Address("PLAINTEXT", config.host(), config.port()));
        }
        List<Address> out = new ArrayList<>();
        for (String entry : value.split(",")) {
            String e = entry.trim();
            int scheme = e.indexOf("://");
            int colon = e.lastIndexOf(':');
            if (scheme <= 0 || colon <= scheme + 2) {
                throw new IllegalArgumentException("Invalid entry '" + e + "' in " + key + ": write NAME://host:port, "
                        + "e.g. SASL_SSL://0.0.0.0:9094");
            }
            String name = e.substring(0, scheme).toUpperCase(Locale.ROOT);
            String host = e.substring(scheme + 3, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(e.substring(colon + 1));
            } catch (NumberFormatException nfe) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Invalid port in '" + e + "' of " + key + ": 0-65535 (0 picks a "
                        + "free one)");
            }
            for (Address a : out) {
                if (a.name().equals(name)) {
                    throw new IllegalArgumentException("Listener " + name + " appears twice in " + key);
                }
            }
            out.add(new Address(name, host, port));
        }
        List<String> controllers = controllerListenerNames(config);
        if (!controllers.isEmpty() && out.removeIf(a -> controllers.contains(a.name())) && key.equals(LISTENERS)) {
            // A server.properties from a combined KRaft node names its controller listener too; serving the Kafka
            // protocol on that port would surprise whoever reads the file.
            log.info("Not binding {} named in controller.listener.names: Spillway has no controller quorum",
                    String.join(", ", controllers));
            if (out.isEmpty()) {
                throw new IllegalArgumentException(LISTENERS + " names only controller listeners (controller.listener."
                        + "names=" + String.join(",", controllers) + "), and Spillway has no controller quorum: add a "
                        + "broker listener, e.g. PLAINTEXT://:9092");
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked") // ConfigType.LIST parses to a List<String>
    private static List<String> controllerListenerNames(ServerConfig config) {
        List<String> names = (List<String>) ConfigType.LIST.parse(CONTROLLER_LISTENER_NAMES,
                config.get(CONTROLLER_LISTENER_NAMES, ""));
        return names.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList();
    }

    private static Map<String, SecurityProtocol> protocolMap(ServerConfig config) {
        Map<String, SecurityProtocol> map = new HashMap<>();
        for (SecurityProtocol p : List.of(SecurityProtocol.PLAINTEXT, SecurityProtocol.SSL,
                SecurityProtocol.SASL_PLAINTEXT, SecurityProtocol.SASL_SSL)) {
            map.put(p.name, p);
        }
        String value = config.get(PROTOCOL_MAP, null);
        if (value != null && !value.isBlank()) {
            map.clear(); // as in Kafka, a given map replaces the default one
            for (String entry : value.split(",")) {
                String[] kv = entry.trim().split(":");
                SecurityProtocol protocol = null;
                if (kv.length == 2) {
                    try {
                        protocol = SecurityProtocol.forName(kv[1].trim().toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException unknown) {
                        protocol = null;
                    }
                }
                if (protocol == null) {
                    throw new IllegalArgumentException("Invalid entry '" + entry.trim() + "' in " + PROTOCOL_MAP
                            + ": write NAME:PROTOCOL with PROTOCOL one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
                }
                map.put(kv[0].trim().toUpperCase(Locale.ROOT), protocol);
            }
        }
        return map;
    }

    /** Settings starting with {@code prefix}: the listener's own ({@code listener.name.<name>.}) over the broker's. */
    static Map<String, String> listenerSettings(ServerConfig config, String listener, String prefix) {
        Map<String, String> out = new HashMap<>();
        String own = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
        config.settings().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k, v);
            }
        });
        config.settings().forEach((k, v) -> { // the listener's own values win
            if (k.startsWith(own + prefix)) {
                out.put(k.substring(own.length()), v);
            }
        });
        return out;
    }

    /** Every TLS setting of the listener with Kafka's defaults filled in, as the SSL factory reads them. */
    private static Map<String, Object> sslConfigs(String listener, Map<String, String> settings) {
        ConfigDef def = new ConfigDef();
        SslConfigs.addClientSslSupport(def);
        def.define(BrokerSecurityConfigs.SSL_CLIENT_AUTH_CONFIG, ConfigDef.Type.STRING,
                BrokerSecurityConfigs.SSL_CLIENT_AUTH_DEFAULT, ConfigDef.Importance.MEDIUM, "");
        def.define(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG, ConfigDef.Type.STRING,
                BrokerSecurityConfigs.DEFAULT_SSL_PRINCIPAL_MAPPING_RULES, ConfigDef.Importance.LOW, "");
        if (!settings.containsKey(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG)
                && !settings.containsKey(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG)) {
            throw new IllegalArgumentException("Listener " + listener + " uses TLS but has no key store: set "
                    + "ssl.keystore.location (PKCS12, JKS or PEM) or ssl.keystore.certificate.chain and ssl.keystore.key "
                    + "(or the same under listener.name." + listener.toLowerCase(Locale.ROOT) + ".)");
        }
        // Kafka's SSL factory logs a stack trace for a missing store before it fails; say it in one sentence first.
        for (String location : List.of(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG)) {
            String path = settings.get(location);
            if (path != null && !path.isBlank() && !Files.isReadable(Paths.get(path.trim()))) {
                throw new IllegalArgumentException(location + " of listener " + listener + " is " + path.trim() + ", "
                        + (Files.exists(Paths.get(path.trim())) ? "which this user cannot read"
                        : "which does not exist") + ": give the path of the " + (location.contains("key") ? "key" : "trust")
                        + " store file");
            }
        }
        try {
            return new HashMap<>(def.parse(settings));
        } catch (org.apache.kafka.common.config.ConfigException e) {
            throw new IllegalArgumentException("TLS settings of listener " + listener + ": " + e.getMessage(), e);
        }
    }

    private static SslFactory sslFactory(String listener, Map<String, Object> parsed) {
        SslFactory factory = new SslFactory(ConnectionMode.SERVER, null, true);
        try {
            factory.configure(parsed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("TLS of listener " + listener + " cannot start: " + e.getMessage()
                    + " (check the key store, its password and type)", e);
        }
        return factory;
    }

    private static SslPrincipalMapper principalMapper(String listener, Map<String, String> settings) {
        String rules = settings.getOrDefault(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG,
                BrokerSecurityConfigs.DEFAULT_SSL_PRINCIPAL_MAPPING_RULES);
        try {
            return SslPrincipalMapper.fromRules(rules);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ssl.principal.mapping.rules of listener " + listener + " is invalid: "
                    + e.getMessage(), e);
        }
    }

    /**
     * The token validator of a listener that enables OAUTHBEARER, from Kafka's {@code sasl.oauthbearer.*} settings.
     * As in Kafka, a listener's own value may be given as {@code listener.name.<name>.oauthbearer.<setting>}
     * (Kafka's mechanism prefix) or {@code listener.name.<name>.<setting>}, in that order over the broker's.
     * There is no fallback to unsigned tokens: without a JWKS the broker does not start.
     */
    private static JwtTokenValidator oauthBearer(ServerConfig config, String listener, Time time) {
        Map<String, String> settings = listenerSettings(config, listener, OAuthBearerSettings.PREFIX);
        String mechanismOwn = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".oauthbearer.";
        config.settings().forEach((k, v) -> {
            if (k.startsWith(mechanismOwn + OAuthBearerSettings.PREFIX)) {
                settings.put(k.substring(mechanismOwn.length()), v);
            }
        });
        try {
            return JwtTokenValidator.create(OAuthBearerSettings.parse(settings), time);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Listener " + listener + " enables SASL mechanism "
                    + SaslServers.OAUTHBEARER + ", but " + e.getMessage() + ". Settings of this listener alone go under "
                    + mechanismOwn + " (e.g. " + mechanismOwn + OAuthBearerSettings.JWKS_ENDPOINT_URL + ")", e);
        }
    }

    /** {@code connections.max.reauth.ms} of the listener (its own, else the broker's; 0 = no re-authentication). */
    private static long reauthMs(ServerConfig config, String listener) {
        String own = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".connections.max.reauth.ms";
        long ms = Long.parseLong(config.get(own, config.get("connections.max.reauth.ms", "0")).trim());
        if (ms < 0) {
            throw new IllegalArgumentException("connections.max.reauth.ms of listener " + listener + " is negative");
        }
        return ms;
    }

    private static List<String> saslMechanisms(ServerConfig config, String listener) {
        String own = "listener.name." + listener.toLowerCase(Locale.ROOT) + "."
                + BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG;
        String value = config.get(own, config.get(BrokerSecurityConfigs.SASL_ENABLED_MECHANISMS_CONFIG, null));
        List<String> mechanisms = value == null ? DEFAULT_SASL_MECHANISMS
                : Arrays.stream(value.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
        for (String m : mechanisms) {
            if (!SaslServers.SUPPORTED.contains(m)) {
                throw new IllegalArgumentException("SASL mechanism " + m + " of listener " + listener + " is not "
                        + "supported; use " + SaslServers.SUPPORTED);
            }
        }
        if (mechanisms.isEmpty()) {
            throw new IllegalArgumentException("Listener " + listener + " uses SASL but enables no mechanism");
        }
        return mechanisms;
    }
}
