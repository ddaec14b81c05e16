package io.spillway.protocol.security;

/**
 * An OAUTHBEARER token was refused. The message says why in words that are safe to log: it never contains the
 * token or its signature.
 */
public final class InvalidTokenException extends Exception {
    private final String claimedSubject;

    /** @param claimedSubject the principal the token names, unverified (for logs); null when unknown */
    public InvalidTokenException(String reason, String claimedSubject) {
        super(reason, null, false, false); // expected on every failed login: no stack trace to fill in
        this.claimedSubject = claimedSubject;
    }

    /** The principal the token names (not verified), or null when the token could not be read that far. */
    public String claimedSubject() {
        return claimedSubject;
    }
}
