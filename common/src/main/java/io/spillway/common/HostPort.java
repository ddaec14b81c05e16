package io.spillway.common;

/** Addresses written as operators and Kafka write them: {@code host:port}, an IPv6 host in brackets. */
public final class HostPort {
    private HostPort() {
    }

    /** {@code host:port}, or {@code [host]:port} when the host is an IPv6 address; an empty host stays empty. */
    public static String format(String host, int port) {
        return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }
}
