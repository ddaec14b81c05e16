package io.spillway.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.RequestContext;
import io.spillway.broker.Throttle;
import io.spillway.broker.auth.Authorizer;
import io.spillway.broker.handler.ApiVersionsHandler;
import io.spillway.common.SerialExecutor;
import io.spillway.protocol.security.SaslAuthenticator;
import io.spillway.protocol.security.SaslServers;
import io.spillway.protocol.security.TlsPrincipals;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client connection: parses each request frame, runs its handler on the connection's serial
 * executor (requests of one connection are handled in order, several connections in parallel),
 * and writes responses strictly in request order while slow handlers complete later.
 *
 * <p>Netty callbacks run on the channel's event loop; parsing and handling run on the worker pool,
 * so the event loop never waits for a disk.
 */
final class KafkaConnectionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(KafkaConnectionHandler.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    /** Stop reading from a client with this many unanswered requests; resume below half of it. */
    private static final int MAX_IN_FLIGHT = 128;

    private final ApiDispatcher dispatcher;
    private final Executor workers;
    private final SerialExecutor serial;
    private final InFlightResponses inFlight = new InFlightResponses();
    private final long connectionId = CONNECTION_IDS.incrementAndGet();
    private final ListenerSpec listener;
    private final FrameDecoder frames;
    private final SaslServers saslServers;
    private final Authorizer authorizer;
    private String clientAddress = "unknown";
    /** Set on the serial executor (SASL) or the event loop (TLS) before the requests that use it are read. */
    private volatile KafkaPrincipal principal = KafkaPrincipal.ANONYMOUS;
    /** The SASL exchange on a SASL listener until it completes; null otherwise. Serial executor only. */
    private SaslAuthenticator sasl;
    /** When the SASL session ends unless the client re-authenticates (KIP-368); 0 for never. Serial executor only. */
    private long sessionExpiresNanos;
    /** Until when a quota throttle keeps the connection from being read (System.nanoTime). Event loop only. */
    private long mutedUntilNanos = System.nanoTime();

    KafkaConnectionHandler(ApiDispatcher dispatcher, Executor workers, ListenerSpec listener, FrameDecoder frames,
                           SaslServers saslServers, Authorizer authorizer) {
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.serial = new SerialExecutor(workers);
        this.listener = listener;
        this.frames = frames;
        this.saslServers = saslServers;
        this.authorizer = authorizer;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        clientAddress = String.valueOf(ctx.channel().remoteAddress());
        if (listener.usesSasl()) {
            sasl = new SaslAuthenticator(listener.saslMechanisms(), saslServers, listener.oauthBearer(),
                    listener.name(), clientAddress, listener.reauthMs(), null);
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                if (!listener.usesSasl()) {
                    principal = TlsPrincipals.of(ctx.pipeline().get(SslHandler.class).engine().getSession(),
                            listener.principalMapper());
                }
            } else if (!(done.cause() instanceof NotSslRecordException)) { // that one is logged by exceptionCaught
                log.warn("TLS handshake with {} on listener {} failed: {}", clientAddress, listener.name(),
                        TlsPrincipals.describe(done.cause()));
            }
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        InFlightResponses.Slot slot = inFlight.reserve();
        if (msg instanceof FrameDecoder.Malformed malformed) {
            log.warn("Closing connection {} from {} after answering earlier requests: {}", connectionId, clientAddress,
                    malformed.reason());
            inFlight.completeWithClose(slot, ctx.channel());
            return;
        }
        ByteBuffer frame = (ByteBuffer) msg;
        if (inFlight.size() >= MAX_IN_FLIGHT) {
            ctx.channel().config().setAutoRead(false);
        }
        serial.execute(() -> {
            try {
                process(ctx, frame, slot);
            } catch (Throwable t) {
                // Nothing may leave a request unanswered: the client would wait for its timeout.
                log.error("Request on connection {} from {} failed unexpectedly; closing the connection",
                        connectionId, clientAddress, t);
                closeAfterEarlierResponses(ctx, slot);
            }
        });
    }

    private void process(ChannelHandlerContext ctx, ByteBuffer frame, InFlightResponses.Slot slot) {
        if (sasl != null && sasl.awaitsRawToken()) {
            rawToken(ctx, frame, slot);
            return;
        }
        if (frame.remaining() < 10) {
            close(ctx, slot, "request frame of " + frame.remaining() + " bytes is too short for a request header");
            return;
        }
        short keyId = frame.getShort(0);
        short version = frame.getShort(2);
        int correlationId = frame.getInt(4);
        if (keyId == ApiKeys.API_VERSIONS.id && !dispatcher.supports(ApiKeys.API_VERSIONS, version)) {
            // KIP-511: answer an unknown ApiVersions version in v0 so the client can pick one we know.
            ByteBuf response = ResponseSerializer.serialize(correlationId, (short) 0,
                    ApiVersionsHandler.response(dispatcher, Errors.UNSUPPORTED_VERSION), (short) 0);
            complete(ctx, slot, response);
            return;
        }
        if (!ApiKeys.hasId(keyId) || !ApiKeys.forId(keyId).isVersionSupported(version)) {
            close(ctx, slot, "request with API key " + keyId + " version " + version + " that this broker does not know");
            return;
        }
        ApiKeys key = ApiKeys.forId(keyId);
        RequestHeader header;
        AbstractRequest request;
        try {
            header = RequestHeader.parse(frame);
            request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(frame)).request;
        } catch (RuntimeException e) {
            close(ctx, slot, "malformed " + key + " v" + version + " request (" + e.getMessage() + ")");
            return;
        }
        if (sasl != null && sasl.isComplete() && key == ApiKeys.SASL_HANDSHAKE && sessionExpiresNanos != 0) {
            // KIP-368: a session that ends may be renewed on this connection, as the same principal.
            sasl = new SaslAuthenticator(listener.saslMechanisms(), saslServers, listener.oauthBearer(),
                    listener.name(), clientAddress, listener.reauthMs(), principal);
        }
        if (sasl != null && !sasl.isComplete() && key != ApiKeys.API_VERSIONS) {
            authenticate(ctx, slot, key, version, correlationId, request);
            return;
        }
        if (sessionExpiresNanos != 0 && System.nanoTime() - sessionExpiresNanos > 0 && key != ApiKeys.API_VERSIONS) {
            close(ctx, slot, "the SASL session of " + principal + " on listener " + listener.name() + " expired "
                    + "after " + sasl.sessionLifetimeMs() + " ms (connections.max.reauth.ms " + listener.reauthMs()
                    + ", or the expiry of its credential) and the client did not re-authenticate");
            return;
        }
        RequestContext context = new RequestContext(key, version, correlationId, header.clientId(), clientAddress,
                connectionId, listener.name(), listener.protocol(), principal, authorizer, new Throttle());
        dispatcher.dispatch(context, request).whenCompleteAsync((body, error) -> {
            ReferenceCounted response = null;
            try {
                if (error == null && body != null) {
                    response = ResponseSerializer.serialize(correlationId, key, version, body,
                            ctx.pipeline().get(SslHandler.class) == null);
                }
            } catch (RuntimeException | java.io.IOException e) {
                error = e;
            }
            if (error != null) {
                log.error("{} v{} from {} could not be answered; closing the connection so the client retries",
                        key, version, context.describeClient(), error);
                closeAfterEarlierResponses(ctx, slot);
                return;
            }
            complete(ctx, slot, response);
            int throttleMs = context.throttle().ms();
            if (throttleMs > 0) {
                muteFor(ctx, throttleMs);
            }
        }, workers);
    }

    /**
     * Stops reading from a client over its quota for {@code ms} (KIP-219): its response already says so in
     * throttle_time_ms, and a client that ignores that still cannot send more until the time is up.
     */
    private void muteFor(ChannelHandlerContext ctx, int ms) {
        ctx.executor().execute(() -> {
            mutedUntilNanos = Math.max(mutedUntilNanos, System.nanoTime() + ms * 1_000_000L);
            ctx.channel().config().setAutoRead(false);
            ctx.executor().schedule(() -> resumeIfAllowed(ctx), ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        });
    }

    /** Reads again once neither too many requests are unanswered nor a throttle holds. Event loop only. */
    private void resumeIfAllowed(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead() && inFlight.size() < MAX_IN_FLIGHT / 2
                && System.nanoTime() - mutedUntilNanos >= 0 && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    /**
     * A request before SASL authentication completed: only SaslHandshake and SaslAuthenticate (and ApiVersions,
     * served as usual) are allowed, as in Kafka; anything else ends the connection. A failed exchange is answered
     * and then the connection is closed.
     */
    private void authenticate(ChannelHandlerContext ctx, InFlightResponses.Slot slot, ApiKeys key, short version,
                              int correlationId, AbstractRequest request) {
        ApiMessage response;
        if (key == ApiKeys.SASL_HANDSHAKE) {
            response = sasl.handshake((SaslHandshakeRequestData) request.data(), version);
        } else if (key == ApiKeys.SASL_AUTHENTICATE) {
            response = sasl.authenticate((SaslAuthenticateRequestData) request.data(), version);
            if (sasl.isComplete()) {
                sessionStarted();
            }
        } else {
            close(ctx, slot, key + " request before SASL authentication on listener " + listener.name()
                    + " (the client must authenticate first; is it configured for " + listener.protocol() + "?)");
            return;
        }
        ByteBuf bytes = ResponseSerializer.serialize(correlationId, key, version, response);
        if (sasl.failed()) {
            ctx.executor().execute(() -> {
                ctx.channel().config().setAutoRead(false);
                inFlight.completeWithClose(slot, bytes, ctx.channel());
            });
        } else {
            complete(ctx, slot, bytes);
        }
    }

    private void sessionStarted() {
        principal = sasl.principal();
        frames.authenticated();
        sessionExpiresNanos = sasl.sessionLifetimeMs() > 0
                ? System.nanoTime() + sasl.sessionLifetimeMs() * 1_000_000L : 0;
    }

    /** A bare SASL token after SaslHandshake v0: the challenge goes back as a bare size-prefixed frame. */
    private void rawToken(ChannelHandlerContext ctx, ByteBuffer frame, InFlightResponses.Slot slot) {
        byte[] token = new byte[frame.remaining()];
        frame.get(token);
        byte[] challenge = sasl.evaluateRawToken(token);
        if (challenge == null) {
            closeAfterEarlierResponses(ctx, slot);
            return;
        }
        if (sasl.isComplete()) {
            sessionStarted();
        }
        ByteBuf out = ctx.alloc().buffer(4 + challenge.length).writeInt(challenge.length).writeBytes(challenge);
        complete(ctx, slot, out);
    }

    private void complete(ChannelHandlerContext ctx, InFlightResponses.Slot slot, ReferenceCounted response) {
        ctx.executor().execute(() -> {
            inFlight.complete(slot, response, ctx.channel());
            resumeIfAllowed(ctx);
        });
    }

    private void close(ChannelHandlerContext ctx, InFlightResponses.Slot slot, String reason) {
        log.warn("Closing connection {} from {} after answering earlier requests: {}", connectionId, clientAddress, reason);
        closeAfterEarlierResponses(ctx, slot);
    }

    private void closeAfterEarlierResponses(ChannelHandlerContext ctx, InFlightResponses.Slot slot) {
        ctx.executor().execute(() -> {
            ctx.channel().config().setAutoRead(false);
            inFlight.completeWithClose(slot, ctx.channel());
        });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        ctx.executor().execute(inFlight::clear);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof NotSslRecordException) {
            log.warn("Closing connection {} from {}: it sent plaintext to TLS listener {} (configure the client with "
                    + "security.protocol={})", connectionId, clientAddress, listener.name(), listener.protocol());
        } else if (cause instanceof DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.debug("Connection {} from {} failed in TLS: {}", connectionId, clientAddress, cause.getCause().toString());
        } else {
            log.debug("Connection {} from {} failed: {}", connectionId, clientAddress, cause.toString());
        }
        ctx.close();
    }
}
