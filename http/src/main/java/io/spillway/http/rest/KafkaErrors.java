package io.spillway.http.rest;

import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

/**
 * From a Kafka error code to the HTTP status the REST API answers with: the handlers chose the code, this class only
 * says what it means in HTTP, so a REST caller sees the same error (name and message) a Kafka client would.
 */
public final class KafkaErrors {
    private KafkaErrors() {
    }

    /** The HTTP status of a Kafka error other than NONE. */
    public static int status(Errors error) {
        return switch (error) {
            case UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID, GROUP_ID_NOT_FOUND, RESOURCE_NOT_FOUND,
                    UNKNOWN_MEMBER_ID -> 404;
            case TOPIC_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED,
                    TRANSACTIONAL_ID_AUTHORIZATION_FAILED, DELEGATION_TOKEN_AUTHORIZATION_FAILED -> 403;
            case SASL_AUTHENTICATION_FAILED -> 401;
            case TOPIC_ALREADY_EXISTS, NON_EMPTY_GROUP, REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION,
                    FENCED_MEMBER_EPOCH, STALE_MEMBER_EPOCH, CONCURRENT_TRANSACTIONS -> 409;
            case THROTTLING_QUOTA_EXCEEDED -> 429;
            case UNKNOWN_SERVER_ERROR -> 500;
            case UNSUPPORTED_VERSION -> 501;
            // a retriable error is the broker's passing state (a coordinator loading): try again later
            default -> error.exception() instanceof RetriableException ? 503 : 400;
        };
    }

    /**
     * The error a response code stands for, or null for NONE.
     *
     * @param message the response's error message, or null/empty for the error's standard message
     * @param what what was asked for, e.g. "topic orders", put before a standard message so it says which
     */
    public static RestException toRest(short code, String message, String what) {
        Errors error = Errors.forCode(code);
        if (error == Errors.NONE) {
            return null;
        }
        String text = message != null && !message.isBlank() ? message : what + ": " + error.message();
        return new RestException(status(error), error.name(), text);
    }

    /** Fails with the error of a response code; returns when it is NONE. */
    public static void check(short code, String message, String what) {
        RestException e = toRest(code, message, what);
        if (e != null) {
            throw e;
        }
    }
}
