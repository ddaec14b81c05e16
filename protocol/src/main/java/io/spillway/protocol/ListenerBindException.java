package io.spillway.protocol;

/**
 * A Kafka listener could not bind its address. The message is written for the operator: the listener, host:port,
 * why (port in use, host not of this machine or not resolvable) and what to do.
 */
public final class ListenerBindException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public ListenerBindException(String message, Throwable cause) {
        super(message, cause);
    }
}
