package io.spillway.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP response as a {@link Handler} gives it, independent of the server library. Immutable.
 *
 * @param headers extra headers (Content-Type and Content-Length are set from the other fields)
 */
public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String JSON = "application/json";

    public static Response text(int status, String body) {
        return new Response(status, TEXT, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /**
     * An error as JSON, {@code {"error":"<code>","message":"<message>"}}, the shape the REST API's 4xx answers share.
     */
    public static Response error(int status, String code, String message) {
        String json = "{\"error\":\"" + Json.escape(code) + "\",\"message\":\"" + Json.escape(message) + "\"}";
        return new Response(status, JSON, json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public Response withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Response(status, contentType, body, Map.copyOf(more));
    }

    /** The body as text (tests, logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
