package io.spillway.http;

import java.util.Map;

/**
 * Where the broker's HTTP listener binds, from the broker settings: {@value #LISTENER} ({@code host:port}, default
 * {@value #DEFAULT_LISTENER}, or {@value #EPHEMERAL_LISTENER} when every Kafka listener asks for port 0; port 0 picks a
 * free one) and {@value #ENABLE} (default true). A mistake is refused with a message that names the setting.
 * Immutable.
 */
public record HttpSettings(boolean enabled, String host, int port) {
    public static final String LISTENER = "spillway.http.listener";
    public static final String ENABLE = "spillway.http.enable";
    public static final String DEFAULT_LISTENER = "127.0.0.1:8080";
    /**
     * The default of a broker whose Kafka ports the OS picks (tests, tools): brokers started side by side must not
     * all want port 8080.
     */
    public static final String EPHEMERAL_LISTENER = "127.0.0.1:0";

    /** @throws IllegalArgumentException if a setting is malformed, naming it */
    public static HttpSettings parse(Map<String, String> settings) {
        return parse(settings, false);
    }

    /**
     * @param kafkaPortsPicked every Kafka listener asks for port 0: the default is then {@value #EPHEMERAL_LISTENER}
     * @throws IllegalArgumentException if a setting is malformed, naming it
     */
    public static HttpSettings parse(Map<String, String> settings, boolean kafkaPortsPicked) {
        String enable = settings.getOrDefault(ENABLE, "true").trim();
        if (!enable.equalsIgnoreCase("true") && !enable.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException(ENABLE + " must be true or false, not '" + enable + "'");
        }
        String listener = settings.getOrDefault(LISTENER, kafkaPortsPicked ? EPHEMERAL_LISTENER : DEFAULT_LISTENER).trim();
        int colon = listener.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("Invalid " + LISTENER + " '" + listener + "': write host:port, e.g. "
                    + DEFAULT_LISTENER + " (port 0 picks a free one)");
        }
        String host = listener.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(listener.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Invalid port in " + LISTENER + " '" + listener + "': 0-65535 (0 picks a "
                    + "free one)");
        }
        return new HttpSettings(Boolean.parseBoolean(enable), host.isEmpty() ? "0.0.0.0" : host, port);
    }
}
