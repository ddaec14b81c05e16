package io.spillway.protocol;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.auth.Authorizer;
import io.spillway.protocol.security.SaslServers;

import javax.net.ssl.SSLEngine;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka listeners: one Netty server socket per listener, sharing the event loops. The pipeline of a
 * connection is [{@link SslHandler} on a TLS listener] then {@link FrameDecoder} then
 * {@link KafkaConnectionHandler}, which runs the SASL exchange on a SASL listener before serving requests.
 * Thread safe; start once, close once.
 */
public final class KafkaServer implements AutoCloseable {
    /** Kafka's sasl.server.max.receive.size default: the largest frame before a SASL client has authenticated. */
    public static final int DEFAULT_SASL_MAX_RECEIVE_BYTES = 524_288;

    private final List<ListenerSpec> listeners;
    private final int maxRequestBytes;
    private final int saslMaxReceiveBytes;
    private final ApiDispatcher dispatcher;
    private final Executor workers;
    private final int networkThreads;
    private final SaslServers saslServers;
    private final Authorizer authorizer;
    private final ConnectionLimits limits;
    private EventLoopGroup boss;
    private EventLoopGroup io;
    private final List<Channel> channels = new ArrayList<>();

    public KafkaServer(List<ListenerSpec> listeners, int maxRequestBytes, int saslMaxReceiveBytes,
                       ApiDispatcher dispatcher, Executor workers, int networkThreads, SaslServers saslServers,
                       Authorizer authorizer, ConnectionLimits limits) {
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        this.listeners = List.copyOf(listeners);
        this.maxRequestBytes = maxRequestBytes;
        this.saslMaxReceiveBytes = saslMaxReceiveBytes;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.networkThreads = networkThreads;
        this.saslServers = saslServers;
        this.authorizer = authorizer;
        this.limits = limits;
    }

    /** One PLAINTEXT listener (tests, tools). */
    public KafkaServer(String host, int port, int maxRequestBytes, ApiDispatcher dispatcher, Executor workers,
                       int networkThreads) {
        this(List.of(ListenerSpec.plaintext("PLAINTEXT", host, port)), maxRequestBytes, DEFAULT_SASL_MAX_RECEIVE_BYTES,
                dispatcher, workers, networkThreads, null, Authorizer.ALLOW_ALL, ConnectionLimits.none());
    }

    /** Binds every listener; returns the bound port of each by name (useful when 0 asked the OS to choose). */
    public Map<String, Integer> start() throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(networkThreads, NioIoHandler.newFactory());
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (ListenerSpec listener : listeners) {
            if (listener.usesSasl() && saslServers == null) {
                throw new IllegalStateException("listener " + listener.name() + " uses SASL but no credentials exist");
            }
            ServerBootstrap bootstrap = new ServerBootstrap()
                    .group(boss, io)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            initConnection(ch, listener);
                        }
                    });
            Channel channel;
            try {
                // As in Kafka, an empty host (PLAINTEXT://:9092) means every interface; Java would read it as loopback.
                InetSocketAddress address = listener.host().isBlank() ? new InetSocketAddress(listener.port())
                        : new InetSocketAddress(listener.host(), listener.port());
                channel = bootstrap.bind(address).sync().channel();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) { // Netty rethrows the (checked) BindException undeclared
                throw bindFailure(listener, e);
            }
            channels.add(channel);
            limits.addAcceptor(channel, listener.name());
            ports.put(listener.name(), ((InetSocketAddress) channel.localAddress()).getPort());
        }
        return ports;
    }

    /**
     * The failure to bind {@code listener} as one sentence for an operator: the listener's name, host:port, why and
     * what to do. Channels bound before stay open until {@link #close}.
     */
    private static ListenerBindException bindFailure(ListenerSpec listener, Exception e) {
        String address = listener.host() + ":" + listener.port();
        String ending = ". Choose another host:port with --host/--port (SPILLWAY_HOST/SPILLWAY_PORT) or the listeners "
                + "setting (port 0 picks a free one)";
        String sentence;
        if (e instanceof UnresolvedAddressException) {
            sentence = "host " + listener.host() + " cannot be resolved" + ending;
        } else if (e instanceof BindException && String.valueOf(e.getMessage()).contains("in use")) {
            sentence = "port " + listener.port() + " is already in use (another Spillway or Kafka broker?). Stop the "
                    + "process using it, or choose another host:port with --port or the listeners setting (port 0 "
                    + "picks a free one)";
        } else if (e instanceof BindException) {
            sentence = listener.host() + " is not an address of this machine (" + e.getMessage() + ")" + ending;
        } else {
            sentence = e + ending;
        }
        return new ListenerBindException("Kafka listener " + listener.name() + " cannot bind " + address + ": "
                + sentence, e);
    }

    /**
     * Open client connections by listener name, every listener present (0 when it has none): for the connections
     * metric. Thread safe; cheap (one short lock).
     */
    public Map<String, Integer> connections() {
        Map<String, Integer> open = limits.openByListener();
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ListenerSpec listener : listeners) {
            out.put(listener.name(), open.getOrDefault(listener.name(), 0));
        }
        return out;
    }

    /** The listeners' names, in configured order. */
    public List<String> listenerNames() {
        return listeners.stream().map(ListenerSpec::name).toList();
    }

    private void initConnection(SocketChannel ch, ListenerSpec listener) {
        if (!limits.admit(ch, listener.name())) {
            ch.close();
            return;
        }
        ch.closeFuture().addListener(closed -> limits.release(ch, listener.name()));
        if (listener.ssl() != null) {
            InetSocketAddress peer = ch.remoteAddress();
            SSLEngine engine = listener.ssl().createSslEngine(peer.getHostString(), peer.getPort());
            ch.pipeline().addLast("tls", new SslHandler(engine));
        }
        FrameDecoder frames = listener.usesSasl() ? new FrameDecoder(maxRequestBytes, saslMaxReceiveBytes)
                : new FrameDecoder(maxRequestBytes);
        ch.pipeline()
                .addLast("frames", frames)
                .addLast("kafka", new KafkaConnectionHandler(dispatcher, workers, listener, frames, saslServers,
                        authorizer));
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly();
        }
        if (io != null) {
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        for (ListenerSpec listener : listeners) {
            if (listener.ssl() != null) {
                listener.ssl().close();
            }
        }
    }
}
