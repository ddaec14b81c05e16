package io.spillway.broker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How clients reach this broker: node id, cluster id, and per listener the advertised host and port
 * ({@code advertised.listeners}); a client is always told the addresses of the listener it came in on, as Kafka
 * does. A port is set once its listener is bound (it may have been chosen by the OS). Thread safe.
 */
public final class BrokerIdentity {
    private final int nodeId;
    private final String clusterId;
    private final String firstListener;
    private final Map<String, String> hosts;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    /** One listener, {@link RequestContext#DEFAULT_LISTENER}. */
    public BrokerIdentity(int nodeId, String host, int port, String clusterId) {
        this(nodeId, clusterId, new LinkedHashMap<>(Map.of(RequestContext.DEFAULT_LISTENER, host)),
                Map.of(RequestContext.DEFAULT_LISTENER, port));
    }

    /**
     * @param advertisedHosts listener name → advertised host, in listener order (the first is the default)
     * @param advertisedPorts listener name → advertised port (0 or absent: the bound port, set later)
     */
    public BrokerIdentity(int nodeId, String clusterId, LinkedHashMap<String, String> advertisedHosts,
                          Map<String, Integer> advertisedPorts) {
        if (advertisedHosts.isEmpty()) {
            throw new IllegalArgumentException("a broker needs at least one listener");
        }
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.hosts = Map.copyOf(advertisedHosts);
        this.firstListener = advertisedHosts.keySet().iterator().next();
        advertisedPorts.forEach((listener, port) -> {
            if (port != null && port > 0) {
                ports.put(listener, port);
            }
        });
    }

    public int nodeId() {
        return nodeId;
    }

    /** The first listener's advertised host. */
    public String host() {
        return host(firstListener);
    }

    /** The first listener's advertised port. */
    public int port() {
        return port(firstListener);
    }

    /** The advertised host of a listener (the first listener's for a name this broker does not have). */
    public String host(String listener) {
        String host = hosts.get(listener);
        return host != null ? host : hosts.get(firstListener);
    }

    /** The advertised port of a listener (the first listener's for a name this broker does not have). */
    public int port(String listener) {
        Integer port = ports.get(hosts.containsKey(listener) ? listener : firstListener);
        return port == null ? -1 : port;
    }

    /** The first listener was bound to this port. */
    public void port(int boundPort) {
        bound(firstListener, boundPort);
    }

    /** A listener was bound: its port is advertised unless advertised.listeners named another. */
    public void bound(String listener, int boundPort) {
        ports.putIfAbsent(listener, boundPort);
    }

    public String clusterId() {
        return clusterId;
    }
}
