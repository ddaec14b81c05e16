package io.spillway.http.rest;

/**
 * A REST call that ends in an error the caller should see: the HTTP status, the error's name (a Kafka error name such
 * as {@code UNKNOWN_TOPIC_OR_PARTITION}, or {@code INVALID_REQUEST} for a request the API itself refuses) and a
 * message for an operator. Thrown or used to fail a future; {@link RestApi} turns it into the JSON error body. No
 * stack trace: the message is the whole story.
 */
public class RestException extends RuntimeException {
    private final int status;
    private final String error;

    public RestException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    /** 400 INVALID_REQUEST: the request itself is wrong (JSON, parameters). */
    public static RestException badRequest(String message) {
        return new RestException(400, "INVALID_REQUEST", message);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
