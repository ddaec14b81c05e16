package io.spillway.server.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prints a command's result on stdout in the format the operator chose: one JSON document (stable field names,
 * for scripts) or text for people. Every command builds its JSON document first and the text from the same data,
 * so the two never disagree.
 */
public final class Output {

    private final ClientOptions options;
    private final PrintStream out;

    public Output(ClientOptions options) {
        this(options, System.out);
    }

    Output(ClientOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** Prints {@code document} as JSON, or calls {@code text} to print it for people. */
    public void print(Object document, Consumer<PrintStream> text) {
        if (options.json()) {
            out.println(Json.pretty(document));
        } else {
            text.accept(out);
        }
        out.flush();
    }

    /** Prints a JSON document, or the table made from the same data. */
    public void print(Object document, Table table) {
        print(document, table::print);
    }

    /** A one-line confirmation ("created topic 'x'") or, for JSON, {"result": ..., fields...}. */
    public void done(String message, Map<String, Object> fields) {
        Map<String, Object> doc = new LinkedHashMap<>(fields);
        doc.put("result", "ok");
        doc.put("message", message);
        print(doc, o -> o.println(message));
    }

    /** A map with insertion order, for JSON documents. */
    public static Map<String, Object> object(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }
}
