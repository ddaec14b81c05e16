package io.spillway.broker;

/**
 * How clients reach this broker: node id, advertised host and port, cluster id. The port is set
 * once the listener is bound (it may have been chosen by the OS). Thread safe.
 */
public final class BrokerIdentity {
    private final int nodeId;
    private final String host;
    private final String clusterId;
    private volatile int port;

    public BrokerIdentity(int nodeId, String host, int port, String clusterId) {
        this.nodeId = nodeId;
        this.host = host;
        this.port = port;
        this.clusterId = clusterId;
    }

    public int nodeId() {
        return nodeId;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public void port(int boundPort) {
        this.port = boundPort;
    }

    public String clusterId() {
        return clusterId;
    }
}
