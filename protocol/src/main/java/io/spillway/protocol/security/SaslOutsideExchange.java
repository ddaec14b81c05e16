package io.spillway.protocol.security;

import io.spillway.broker.ApiDispatcher;
import io.spillway.broker.ApiHandler;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SaslHandshake and SaslAuthenticate where no SASL exchange is running (a listener without SASL, or a connection
 * that has authenticated already): answered ILLEGAL_SASL_STATE, as Kafka does. Registering them also makes
 * ApiVersions advertise the two APIs, which SASL clients look for before they start.
 */
public final class SaslOutsideExchange {
    private SaslOutsideExchange() {
    }

    public static void register(ApiDispatcher dispatcher) {
        ApiHandler<SaslHandshakeRequestData, SaslHandshakeResponseData> handshake = (context, request) ->
                CompletableFuture.completedFuture(new SaslHandshakeResponseData()
                        .setErrorCode(Errors.ILLEGAL_SASL_STATE.code()).setMechanisms(List.of()));
        ApiHandler<SaslAuthenticateRequestData, SaslAuthenticateResponseData> authenticate = (context, request) ->
                CompletableFuture.completedFuture(new SaslAuthenticateResponseData()
                        .setErrorCode(Errors.ILLEGAL_SASL_STATE.code()).setAuthBytes(new byte[0])
                        .setErrorMessage("No SASL exchange on this connection: listener " + context.listenerName()
                                + " is " + context.securityProtocol() + " or the client has authenticated already"));
        dispatcher.register(ApiKeys.SASL_HANDSHAKE, handshake);
        dispatcher.register(ApiKeys.SASL_AUTHENTICATE, authenticate);
    }
}
