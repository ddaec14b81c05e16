package io.spillway.protocol;

import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Kafka's connection limits: {@code max.connections.per.ip} (with {@code max.connections.per.ip.overrides}) closes a
 * client's connection beyond its address's quota at once, so one client cannot use up the broker's connections;
 * {@code max.connections} for the whole broker stops accepting while the broker is full (new clients wait in the
 * listen backlog, as Kafka throttles accepts) and resumes when a connection closes; {@code
 * listener.name.<listener>.max.connections} does the same for one listener, whose clients then wait while the
 * other listeners (an administrators' listener, say) keep accepting. Thread safe.
 */
public final class ConnectionLimits {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);
    /** No limit (a fresh instance per server: the limits count that server's connections). */
    public static ConnectionLimits none() {
        return new ConnectionLimits(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), Map.of());
    }

    private final int maxConnections;
    private final int maxPerIp;
    private final Map<InetAddress, Integer> perIpOverrides;
    /** Guarded by this: open connections by client address, and in all. */
    private final Map<InetAddress, Integer> byAddress = new HashMap<>();
    private int total;
    private boolean paused;
    private final List<Channel> acceptors = new CopyOnWriteArrayList<>();
    /** listener.name.<listener>.max.connections by listener; guarded by this: open connections by listener. */
    private final Map<String, Integer> maxByListener;
    private final Map<String, Integer> byListener = new HashMap<>();
    private final Map<String, List<Channel>> listenerAcceptors = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.Set<String> pausedListeners = new java.util.HashSet<>();
    /** Whether a new connection from an address is within its connection_creation_rate quota. */
    private volatile java.util.function.Predicate<InetAddress> withinCreationRate = address -> true;

    /** @param maxByListener listener.name.<listener>.max.connections, by listener name */
    public ConnectionLimits(int maxConnections, int maxPerIp, Map<InetAddress, Integer> perIpOverrides,
                            Map<String, Integer> maxByListener) {
        this.maxByListener = Map.copyOf(maxByListener);
        this.maxConnections = maxConnections;
        this.maxPerIp = maxPerIp;
        this.perIpOverrides = Map.copyOf(perIpOverrides);
    }

    /** From now on, also closes connections from addresses over their connection_creation_rate quota. */
    public ConnectionLimits withCreationRate(java.util.function.Predicate<InetAddress> withinCreationRate) {
        this.withinCreationRate = withinCreationRate;
        return this;
    }

    /** A listener's server channel, paused and resumed with the others. */
    void addAcceptor(Channel serverChannel, String listener) {
        acceptors.add(serverChannel);
        listenerAcceptors.computeIfAbsent(listener, l -> new CopyOnWriteArrayList<>()).add(serverChannel);
    }

    /**
     * Counts a new connection; false (and counts nothing) when its address is at its limit, and the caller then
     * closes it. Pauses accepting when the broker reached {@code max.connections}.
     */
    synchronized boolean admit(Channel channel, String listener) {
        InetAddress address = address(channel);
        if (address != null) {
            int limit = perIpOverrides.getOrDefault(address, maxPerIp);
            int count = byAddress.getOrDefault(address, 0);
            if (count >= limit) {
                log.warn("Closing a new connection from {}: it has {} connections already, the most "
                        + "max.connections.per.ip (or its override for this address) allows", address.getHostAddress(),
                        limit);
                return false;
            }
            if (!withinCreationRate.test(address)) {
                log.warn("Closing a new connection from {}: the address opens connections faster than its "
                        + "connection_creation_rate quota allows (see DescribeClientQuotas for ip entities)",
                        address.getHostAddress());
                return false;
            }
            byAddress.put(address, count + 1);
        }
        total++;
        int onListener = byListener.merge(listener, 1, Integer::sum);
        Integer listenerLimit = maxByListener.get(listener);
        if (listenerLimit != null && onListener >= listenerLimit && pausedListeners.add(listener)) {
            setAccepting(listener, false);
            log.warn("Listener {} has {} connections, its listener.name.{}.max.connections: its new connections wait "
                    + "until one closes", listener, onListener, listener);
        }
        if (total >= maxConnections && !paused) {
            paused = true;
            acceptors.forEach(a -> a.config().setAutoRead(false));
            log.warn("The broker has {} connections, its max.connections: new connections wait until one closes",
                    total);
        }
        return true;
    }

    /** A counted connection closed. */
    synchronized void release(Channel channel, String listener) {
        InetAddress address = address(channel);
        if (address != null) {
            byAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
        }
        total--;
        int onListener = byListener.merge(listener, -1, Integer::sum);
        Integer listenerLimit = maxByListener.get(listener);
        if (listenerLimit != null && onListener < listenerLimit && pausedListeners.remove(listener) && !paused) {
            setAccepting(listener, true);
            log.info("Listener {} accepts connections again ({} open)", listener, onListener);
        }
        if (total < maxConnections && paused) {
            paused = false;
            acceptors.forEach(a -> a.config().setAutoRead(true));
            pausedListeners.forEach(l -> setAccepting(l, false)); // still at their own limits
            log.info("The broker accepts connections again ({} open, max.connections {})", total, maxConnections);
        }
    }

    /** Open connections by listener name, a copy (metrics); listeners that never had one are absent. */
    public synchronized Map<String, Integer> openByListener() {
        return new HashMap<>(byListener);
    }

    private void setAccepting(String listener, boolean accepting) {
        listenerAcceptors.getOrDefault(listener, List.of()).forEach(a -> a.config().setAutoRead(accepting));
    }

    private static InetAddress address(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
    }
}
