package io.spillway.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One HTTP connection: turns each request into a {@link Request}, lets the {@link Router} answer it and writes the
 * answers in request order (HTTP/1.1 pipelining), keeping the connection open when the client asks for keep-alive.
 * Stops reading while {@value #MAX_IN_FLIGHT} requests wait for their answers, so one client cannot queue unbounded work.
 *
 * <p>Thread contract: Netty calls it on the connection's event loop; handlers' futures may complete on any thread, and
 * the write is handed back to the event loop, which alone touches the fields here.
 */
final class HttpConnectionHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(HttpConnectionHandler.class);
    static final int MAX_IN_FLIGHT = 8;

    private final Router router;
    /** Completes once the previous response was written: the next one is written after it. */
    private CompletableFuture<Void> previousWritten = CompletableFuture.completedFuture(null);
    private int inFlight;

    HttpConnectionHandler(Router router) {
        this.router = router;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        boolean head = msg.method().name().equals("HEAD");
        CompletableFuture<Response> answer;
        if (!msg.decoderResult().isSuccess()) {
            keepAlive = false;
            answer = CompletableFuture.completedFuture(Response.error(400, "bad_request", "Malformed HTTP request: "
                    + msg.decoderResult().cause().getMessage()));
        } else {
            QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
            Map<String, String> headers = new HashMap<>();
            msg.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            Request request = new Request(msg.method().name(), uri.path(), uri.parameters(), Map.copyOf(headers),
                    ByteBufUtil.getBytes(msg.content()), remoteAddress(ctx));
            answer = router.handle(request).handle((response, error) -> response != null ? response
                    : internalError(request, error));
        }
        if (++inFlight >= MAX_IN_FLIGHT) {
            ctx.channel().config().setAutoRead(false);
        }
        boolean close = !keepAlive;
        CompletableFuture<Void> written = new CompletableFuture<>();
        previousWritten.thenCombine(answer, (ignored, response) -> response).thenAccept(response ->
                ctx.executor().execute(() -> {
                    write(ctx, response, close, head);
                    written.complete(null);
                }));
        previousWritten = written;
    }

    private static String remoteAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "unknown";
    }

    private static Response internalError(Request request, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        log.error("HTTP {} {} failed", request.method(), request.path(), cause);
        return Response.error(500, "internal_error", request.method() + " " + request.path() + " failed: " + cause);
    }

    private void write(ChannelHandlerContext ctx, Response response, boolean close, boolean head) {
        if (--inFlight < MAX_IN_FLIGHT && !ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        }
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        if (close) {
            out.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(out);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
