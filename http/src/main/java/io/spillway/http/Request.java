package io.spillway.http;

import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a {@link Handler} sees it, independent of the server library. Immutable.
 *
 * @param method upper case, e.g. GET
 * @param path the decoded path without the query, e.g. /metrics
 * @param query decoded query parameters by name
 * @param headers request headers by lower-case name (the last value of repeated ones)
 * @param body the request body, empty when none
 * @param remoteAddress the client's IP address as text (what host-based ACLs match), "unknown" when not known
 */
public record Request(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                     byte[] body, String remoteAddress) {

    /** A request whose client address is not known (tests). */
    public Request(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                   byte[] body) {
        this(method, path, query, headers, body, "unknown");
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
