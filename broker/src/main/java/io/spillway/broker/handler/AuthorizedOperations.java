package io.spillway.broker.handler;

/**
 * The operation bit sets Kafka reports when a client asks what it may do. Without ACLs (a later
 * milestone) every client may do everything. Bit numbers are Kafka's AclOperation codes.
 */
final class AuthorizedOperations {
    /** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
    static final int TOPIC = bits(3, 4, 5, 6, 7, 8, 10, 11);
    /** CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE. */
    static final int CLUSTER = bits(5, 7, 8, 9, 10, 11, 12);

    private AuthorizedOperations() {
    }

    private static int bits(int... operationCodes) {
        int set = 0;
        for (int code : operationCodes) {
            set |= 1 << code;
        }
        return set;
    }
}
