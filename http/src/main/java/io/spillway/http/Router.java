package io.spillway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which {@link Handler} serves which method and path: exact paths ({@code /metrics}) and path prefixes
 * ({@code /api/v1/topics/}, {@code /console/}) for handlers that read the rest of the path themselves, as the REST API
 * and the console's static files will. An exact path wins over a prefix, a longer prefix over a shorter one. A path
 * nobody serves is answered 404, a method the path does not take 405 with an {@code Allow} header; HEAD is served
 * wherever GET is. Thread safe: routes may be added while requests are served.
 */
public final class Router {
    /** Method → handler, by exact path. */
    private final Map<String, Map<String, Handler>> exact = new ConcurrentHashMap<>();
    /** Method → handler, by path prefix. */
    private final Map<String, Map<String, Handler>> prefixes = new ConcurrentHashMap<>();

    public Router get(String path, Handler handler) {
        return route("GET", path, handler);
    }

    /** Serves {@code method} on exactly {@code path}. */
    public Router route(String method, String path, Handler handler) {
        exact.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).put(method, handler);
        return this;
    }

    /** Serves {@code method} on every path that starts with {@code pathPrefix}. */
    public Router prefix(String method, String pathPrefix, Handler handler) {
        prefixes.computeIfAbsent(pathPrefix, p -> new ConcurrentHashMap<>()).put(method, handler);
        return this;
    }

    /** Answers {@code request}; never throws (a handler's exception becomes a failed future). */
    public CompletableFuture<Response> handle(Request request) {
        Map<String, Handler> byMethod = handlersFor(request.path());
        if (byMethod == null || byMethod.isEmpty()) {
            return CompletableFuture.completedFuture(Response.error(404, "not_found", "No such path: "
                    + request.path() + ". Served paths: " + String.join(", ", paths())));
        }
        String method = request.method();
        Handler handler = byMethod.get(method);
        if (handler == null && method.equals("HEAD")) {
            handler = byMethod.get("GET");
        }
        if (handler == null) {
            String allowed = String.join(", ", allowed(byMethod));
            return CompletableFuture.completedFuture(Response.error(405, "method_not_allowed", method
                    + " is not allowed on " + request.path() + "; use " + allowed).withHeader("Allow", allowed));
        }
        try {
            CompletableFuture<Response> response = handler.handle(request);
            return response != null ? response : CompletableFuture.failedFuture(
                    new IllegalStateException("the handler of " + request.path() + " gave no response"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private Map<String, Handler> handlersFor(String path) {
        Map<String, Handler> found = exact.get(path);
        if (found != null) {
            return found;
        }
        String best = null;
        for (String prefix : prefixes.keySet()) {
            if (path.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? null : prefixes.get(best);
    }

    private static List<String> allowed(Map<String, Handler> byMethod) {
        TreeSet<String> methods = new TreeSet<>(byMethod.keySet());
        if (methods.contains("GET")) {
            methods.add("HEAD");
        }
        return new ArrayList<>(methods);
    }

    private List<String> paths() {
        TreeMap<String, Boolean> all = new TreeMap<>();
        exact.keySet().forEach(p -> all.put(p, true));
        prefixes.keySet().forEach(p -> all.put(p + "...", true));
        return new ArrayList<>(all.keySet());
    }
}
