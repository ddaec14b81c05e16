package io.spillway.http.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.spillway.http.Response;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading request bodies and writing response bodies as JSON with Jackson. Every answer of the REST API, errors
 * included, goes out through here, so they share one shape. Thread safe (one shared, never reconfigured mapper).
 */
public final class JsonBodies {
    static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private JsonBodies() {
    }

    /**
     * The request body as a JSON object.
     *
     * @throws RestException 400 when the body is empty, not JSON, or not an object
     */
    public static ObjectNode object(byte[] body) {
        if (body.length == 0) {
            throw RestException.badRequest("The request needs a JSON object as its body");
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw RestException.badRequest("The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(node instanceof ObjectNode object)) {
            throw RestException.badRequest("The request body must be a JSON object, not " + node.getNodeType());
        }
        return object;
    }

    /** A string field, or null when absent or null; 400 when it is not a string. */
    public static String text(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw RestException.badRequest("'" + field + "' must be a string");
        }
        return node.textValue();
    }

    /** An integer field, or {@code absent} when absent or null; 400 when it is not an integer in range. */
    public static long integer(ObjectNode body, String field, long absent, long min, long max) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw RestException.badRequest("'" + field + "' must be an integer from " + min + " to " + max);
        }
        return node.longValue();
    }

    /** A boolean field, or false when absent; 400 when it is not a boolean. */
    public static boolean flag(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw RestException.badRequest("'" + field + "' must be true or false");
        }
        return node.booleanValue();
    }

    /**
     * An object of string values (configs), empty when absent. Numbers and booleans are taken as their text, so
     * {@code {"retention.ms": 1000}} works like {@code "1000"}; null values stay null.
     */
    public static Map<String, String> strings(ObjectNode body, String field) {
        JsonNode node = body.get(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw RestException.badRequest("'" + field + "' must be an object of name to value");
        }
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isContainerNode()) {
                throw RestException.badRequest("'" + field + "." + e.getKey() + "' must be a string, number or boolean");
            }
            out.put(e.getKey(), v.isNull() ? null : v.asText());
        });
        return out;
    }

    /** {@code body} as a JSON response with {@code status}. */
    public static Response response(int status, Object body) {
        try {
            return new Response(status, Response.JSON, MAPPER.writeValueAsBytes(body), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a REST response as JSON", e);
        }
    }

    /** The error body every REST error has: {@code {"error": "<Kafka error name>", "message": "..."}}. */
    public static Response error(RestException e) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", e.error());
        body.put("message", e.getMessage());
        return response(e.status(), body);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
