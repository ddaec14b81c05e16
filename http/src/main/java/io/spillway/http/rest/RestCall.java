package io.spillway.http.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spillway.http.Request;

import java.util.List;

/**
 * One routed REST call: the HTTP request, who makes it, and the parts its route's pattern took from the path (the
 * topic name, group id, stream path, partition). Immutable.
 */
public record RestCall(Request request, Caller caller, List<String> pathParts) {
    /** The i-th part the route's pattern captured (0-based). */
    public String part(int i) {
        return pathParts.get(i);
    }

    public ObjectNode body() {
        return JsonBodies.object(request.body());
    }

    /** A query parameter, or null. */
    public String query(String name) {
        String v = request.queryParam(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** An integer query parameter from {@code min} to {@code max}, {@code absent} when not given; else 400. */
    public long queryLong(String name, long absent, long min, long max) {
        String v = query(name);
        if (v == null) {
            return absent;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw RestException.badRequest("Query parameter '" + name + "' must be an integer from " + min + " to " + max
                + ", not '" + v + "'");
    }
}
