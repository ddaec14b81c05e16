package io.spillway.broker;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Who sent a request and how: the request header and the connection it came on. Immutable.
 *
 * @param connectionId unique per connection for the life of the broker
 */
public record RequestContext(ApiKeys apiKey, short apiVersion, int correlationId, String clientId,
                             String clientAddress, long connectionId) {

    /** "client 'x' at 1.2.3.4:5678", for log messages. */
    public String describeClient() {
        return "client '" + clientId + "' at " + clientAddress;
    }
}
