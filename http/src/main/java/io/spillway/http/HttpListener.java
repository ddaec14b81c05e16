package io.spillway.http;

import io.spillway.common.HostPort;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The broker's HTTP listener: one server socket on Netty's HTTP/1.1 codec, the same library and event-loop model as
 * the Kafka listener, so the broker runs no second server stack. Requests go to a {@link Router}; its handlers run on
 * this listener's own event loop (one thread: HTTP here is operators' traffic, not clients') and must not block it
 * (see {@link Handler}). Thread safe; start once, close once.
 */
public final class HttpListener implements AutoCloseable {
    /** The largest request body taken (REST requests are small; records are produced over Kafka). */
    static final int MAX_CONTENT_BYTES = 8 * 1024 * 1024;
    /** A connection idle this long is closed, so forgotten keep-alive connections do not pile up. */
    static final int IDLE_SECONDS = 120;

    private final EventLoopGroup loop;
    private final Channel channel;

    private HttpListener(EventLoopGroup loop, Channel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    /**
     * Binds {@code host:port} and serves {@code router}.
     *
     * @throws IllegalStateException if the address cannot be bound (the port is in use, the host is not local), with a
     *     message that names the port and {@value HttpSettings#LISTENER}
     */
    public static HttpListener start(String host, int port, Router router) throws InterruptedException {
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread thread = new Thread(runnable, "spillway-http");
            thread.setDaemon(true);
            return thread;
        }, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                                .addLast("codec", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_CONTENT_BYTES))
                                .addLast("route", new HttpConnectionHandler(router));
                    }
                });
        try {
            Channel channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
            return new HttpListener(loop, channel);
        } catch (Exception e) {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
            String why = !(e instanceof BindException) ? e.toString()
                    : String.valueOf(e.getMessage()).contains("in use") ? "port " + port + " is already in use"
                    : host + " is not an address of this machine (" + e.getMessage() + ")";
            throw new IllegalStateException("HTTP listener cannot bind " + host + ":" + port + ": " + why + ". Set "
                    + HttpSettings.LISTENER + " to a free host:port (port 0 picks one) or " + HttpSettings.ENABLE
                    + "=false", e);
        }
    }

    /** The bound address (the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** "host:port" as bound. */
    public String describe() {
        InetSocketAddress a = address();
        return HostPort.format(a.getHostString(), a.getPort());
    }

    /** Stops accepting, closes open connections and stops the event loop. */
    @Override
    public void close() {
        channel.close().awaitUninterruptibly();
        loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
