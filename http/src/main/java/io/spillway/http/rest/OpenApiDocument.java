package io.spillway.http.rest;

import io.spillway.http.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The OpenAPI 3 document of the REST API, kept as the resource file {@code openapi.json} beside this class (so it is
 * reviewed as a file, not built in code) and served as it is at {@code /api/v1/openapi.json}. Immutable.
 */
final class OpenApiDocument {
    private final byte[] json;

    OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the http module's resources");
            }
            json = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Response response() {
        return new Response(200, Response.JSON, json, Map.of());
    }
}
