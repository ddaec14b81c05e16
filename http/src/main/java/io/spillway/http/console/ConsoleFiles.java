package io.spillway.http.console;

import io.spillway.http.Request;
import io.spillway.http.Response;
import io.spillway.http.Router;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

/**
 * The web console's static files (docs/console.md): {@code /} is {@code index.html}, {@code /console/<name>} the file
 * {@code <name>} of the classpath folder {@code io/spillway/http/console/}. Only names made of plain segments
 * ({@code [A-Za-z0-9_-]} with dots inside, no {@code ..}, no empty or hidden segment) and a known extension are
 * looked up, so nothing outside that folder (and no class file) can be read. Unknown files are 404.
 *
 * <p>The files have no content hash in their names (there is no build step), so every answer says
 * {@code Cache-Control: no-cache} with an {@code ETag}: the browser revalidates and gets a 304 without the body.
 *
 * <p>Thread contract: {@link #serve} runs on the HTTP event loop. A file's first read (a classpath read, possibly from
 * a jar) runs on the executor; afterwards it is answered from memory at once. Thread safe.
 */
public final class ConsoleFiles {
    static final String RESOURCE_FOLDER = "io/spillway/http/console/";
    public static final String PREFIX = "/console/";
    /** Segments of letters, digits, '_' and '-', with single dots inside: no "..", no hidden or empty segment. */
    private static final String SEGMENT = "[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*";
    private static final Pattern SAFE_NAME = Pattern.compile(SEGMENT + "(/" + SEGMENT + ")*");
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "txt", "text/plain; charset=utf-8");

    /** A file read once: its bytes, type and entity tag. */
    private record File(byte[] body, String contentType, String etag) {
    }

    private final ClassLoader loader;
    private final Executor executor;
    /** Name → file, or empty for a name known to be missing (so a miss is not read again). */
    private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

    public ConsoleFiles(ClassLoader loader, Executor executor) {
        this.loader = loader;
        this.executor = executor;
    }

    /** Serves {@code /} and {@code /console/...} on {@code router}. */
    public void register(Router router) {
        router.get("/", this::serve);
        router.get("/console", request -> CompletableFuture.completedFuture(redirect("/")));
        router.prefix("GET", PREFIX, this::serve);
    }

    /** Answers one GET (or HEAD); never throws, never blocks the caller once a file was read. */
    public CompletableFuture<Response> serve(Request request) {
        String name = fileName(request.path());
        if (name == null) {
            return CompletableFuture.completedFuture(notFound(request.path()));
        }
        Optional<File> known = cache.get(name);
        CompletableFuture<Optional<File>> file = known != null ? CompletableFuture.completedFuture(known)
                : CompletableFuture.supplyAsync(() -> cache.computeIfAbsent(name, this::read), executor);
        return file.thenApply(f -> f.map(found -> answer(found, request)).orElseGet(() -> notFound(request.path())));
    }

    /**
     * The file a path names, or null when it names none that may be served: {@code /} is index.html; under
     * {@code /console/} only safe names with a known extension.
     */
    static String fileName(String path) {
        if (path.equals("/") || path.equals(PREFIX)) {
            return "index.html";
        }
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String name = path.substring(PREFIX.length());
        if (!SAFE_NAME.matcher(name).matches() || contentType(name) == null) {
            return null;
        }
        return name;
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1));
    }

    private Optional<File> read(String name) {
        try (InputStream in = loader.getResourceAsStream(RESOURCE_FOLDER + name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] body = in.readAllBytes();
            return Optional.of(new File(body, contentType(name), etag(body)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console file " + name, e);
        }
    }

    private static Response answer(File file, Request request) {
        String ifNoneMatch = request.headers().get("if-none-match");
        Response response = file.etag().equals(ifNoneMatch)
                ? new Response(304, file.contentType(), new byte[0], Map.of())
                : new Response(200, file.contentType(), file.body(), Map.of());
        return response.withHeader("Cache-Control", "no-cache")
                .withHeader("ETag", file.etag())
                .withHeader("X-Content-Type-Options", "nosniff");
    }

    private static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static Response notFound(String path) {
        return Response.error(404, "not_found", "No console file at " + path);
    }

    private static Response redirect(String to) {
        return new Response(301, Response.TEXT, ("See " + to).getBytes(StandardCharsets.UTF_8), Map.of())
                .withHeader("Location", to);
    }
}
