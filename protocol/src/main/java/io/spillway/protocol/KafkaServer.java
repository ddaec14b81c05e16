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
import io.spillway.broker.ApiDispatcher;

import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka listener: a Netty server whose pipeline per connection is {@link FrameDecoder} then
 * {@link KafkaConnectionHandler}. Thread safe; start once, close once.
 */
public final class KafkaServer implements AutoCloseable {
    private final String host;
    private final int port;
    private final int maxRequestBytes;
    private final ApiDispatcher dispatcher;
    private final Executor workers;
    private final int networkThreads;
    private EventLoopGroup boss;
    private EventLoopGroup io;
    private Channel channel;

    public KafkaServer(String host, int port, int maxRequestBytes, ApiDispatcher dispatcher, Executor workers,
                       int networkThreads) {
        this.host = host;
        this.port = port;
        this.maxRequestBytes = maxRequestBytes;
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.networkThreads = networkThreads;
    }

    /** Binds the listener; returns the port (useful when 0 asked the OS to choose). */
    public int start() throws InterruptedException {
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        io = new MultiThreadIoEventLoopGroup(networkThreads, NioIoHandler.newFactory());
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
                        ch.pipeline()
                                .addLast("frames", new FrameDecoder(maxRequestBytes))
                                .addLast("kafka", new KafkaConnectionHandler(dispatcher, workers));
                    }
                });
        channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
        if (io != null) {
            io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
    }
}
