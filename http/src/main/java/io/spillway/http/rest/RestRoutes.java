package io.spillway.http.rest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API's route table: a path pattern (a regular expression whose groups are the path's parameters) and, for
 * each, the operation per method. The first pattern that matches a path owns it, so more specific patterns are added
 * first ({@code /topics/(.+)/configs} before {@code /topics/(.+)}). A path no pattern matches is 404, a method its
 * pattern has no operation for is 405 with the allowed methods. Thread safe once built.
 */
public final class RestRoutes {
    /** One REST operation. */
    @FunctionalInterface
    public interface Operation {
        CompletableFuture<Reply> run(RestCall call);
    }

    /** A route's operation with the path parameters, or why there is none. */
    public record Match(Operation operation, List<String> parts) {
    }

    private final Map<String, Pattern> patterns = new LinkedHashMap<>();
    private final Map<String, Map<String, Operation>> operations = new LinkedHashMap<>();

    /** Serves {@code method} on paths matching {@code regex} (matched whole). */
    public RestRoutes add(String method, String regex, Operation operation) {
        patterns.computeIfAbsent(regex, Pattern::compile);
        operations.computeIfAbsent(regex, r -> new LinkedHashMap<>()).put(method, operation);
        return this;
    }

    /**
     * The operation for {@code method} (HEAD as GET) on {@code path}.
     *
     * @throws RestException 404 for a path no route serves, 405 for a method its route does not take
     */
    public Match match(String method, String path) {
        for (Map.Entry<String, Pattern> route : patterns.entrySet()) {
            Matcher m = route.getValue().matcher(path);
            if (!m.matches()) {
                continue;
            }
            Map<String, Operation> byMethod = operations.get(route.getKey());
            Operation op = byMethod.get(method.equals("HEAD") ? "GET" : method);
            if (op == null) {
                throw new MethodNotAllowed(method, path, allowed(byMethod));
            }
            List<String> parts = new ArrayList<>();
            for (int i = 1; i <= m.groupCount(); i++) {
                parts.add(m.group(i));
            }
            return new Match(op, parts);
        }
        throw new RestException(404, "RESOURCE_NOT_FOUND", "No REST API path " + path
                + "; the API is described at /api/v1/openapi.json");
    }

    private static String allowed(Map<String, Operation> byMethod) {
        TreeSet<String> methods = new TreeSet<>(byMethod.keySet());
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return String.join(", ", methods);
    }

    /** 405, with the methods for the Allow header. */
    public static final class MethodNotAllowed extends RestException {
        private final String allow;

        MethodNotAllowed(String method, String path, String allow) {
            super(405, "INVALID_REQUEST", method + " is not allowed on " + path + "; use " + allow);
            this.allow = allow;
        }

        public String allow() {
            return allow;
        }
    }
}
