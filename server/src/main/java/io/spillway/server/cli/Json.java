package io.spillway.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * The CLI's JSON, through Jackson (the broker's REST API uses it too): writes the documents of {@code --output json}
 * and the records of {@code consume --format json}, reads the lines of {@code produce --format json}.
 */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Two spaces per level, arrays one item per line, "name": value. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private Json() {
    }

    /** Compact JSON text of a value made of Map, Iterable, CharSequence, Number, Boolean and null. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // maps, lists and plain values always serialise
        }
    }

    /** Indented JSON text (two spaces), for documents a person may also read. */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Parses one JSON value: objects become {@link java.util.LinkedHashMap}, arrays {@link java.util.ArrayList},
     * numbers {@link Long} when integral else {@link BigDecimal}.
     *
     * @throws IllegalArgumentException naming the position of the first error
     */
    public static Object parse(String text) {
        try {
            return MAPPER.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            long at = e.getLocation() == null ? -1 : e.getLocation().getCharOffset();
            throw new IllegalArgumentException(problem(e) + (at >= 0 ? " at character " + (at + 1) : ""));
        }
    }

    /** What is wrong with the input, in words for the person who typed it (Jackson's own names parser internals). */
    private static String problem(JsonProcessingException e) {
        if (e instanceof JsonEOFException) {
            return "unexpected end of JSON";
        }
        String message = e.getOriginalMessage();
        if (message.startsWith("Trailing token")) {
            return "unexpected text after the value";
        }
        int detail = message.indexOf(':');
        return detail > 0 && message.startsWith("Unrecognized token") ? message.substring(0, detail) : message;
    }
}
