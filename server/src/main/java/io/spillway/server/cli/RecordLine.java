package io.spillway.server.cli;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One record as a line of text, both ways: what {@code produce} reads and {@code consume} writes. Text lines are
 * the value (or KEY + separator + VALUE with --key-separator); JSON lines carry key, value, headers and partition,
 * so records with keys and headers round-trip through a file.
 */
final class RecordLine {

    /** How records are written as lines. */
    enum Format { text, json }

    /** A record to produce. */
    record Outgoing(byte[] key, byte[] value, Map<String, byte[]> headers, Integer partition) {
        long size() {
            long n = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
            for (Map.Entry<String, byte[]> h : headers.entrySet()) {
                n += h.getKey().length() + (h.getValue() == null ? 0 : h.getValue().length);
            }
            return n;
        }
    }

    private RecordLine() {
    }

    /**
     * Parses a line to produce.
     *
     * @throws IllegalArgumentException what is wrong with the line
     */
    static Outgoing parse(String line, Format format, String keySeparator) {
        if (format == Format.text) {
            if (keySeparator != null) {
                int at = line.indexOf(keySeparator);
                if (at < 0) {
                    throw new IllegalArgumentException("no key separator '" + keySeparator + "' in the line");
                }
                return new Outgoing(utf8(line.substring(0, at)), utf8(line.substring(at + keySeparator.length())),
                        Map.of(), null);
            }
            return new Outgoing(null, utf8(line), Map.of(), null);
        }
        Object parsed = Json.parse(line);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected a JSON object like {\"key\":..,\"value\":..}");
        }
        for (Object field : map.keySet()) {
            if (!java.util.Set.of("key", "value", "headers", "partition").contains(field)) {
                throw new IllegalArgumentException("unknown field \"" + field
                        + "\" (fields: key, value, headers, partition)");
            }
        }
        Map<String, byte[]> headers = new LinkedHashMap<>();
        Object h = map.get("headers");
        if (h instanceof Map<?, ?> hm) {
            hm.forEach((k, v) -> headers.put(String.valueOf(k), bytes(v)));
        } else if (h != null) {
            throw new IllegalArgumentException("\"headers\" must be an object of name: value");
        }
        Object p = map.get("partition");
        Integer partition = null;
        if (p instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) {
            partition = l.intValue();
        } else if (p != null) {
            throw new IllegalArgumentException("\"partition\" must be a partition number");
        }
        return new Outgoing(bytes(map.get("key")), bytes(map.get("value")), headers, partition);
    }

    /** A string as its UTF-8 bytes; any other JSON value as its compact JSON text; null stays null. */
    private static byte[] bytes(Object v) {
        if (v == null) {
            return null;
        }
        return utf8(v instanceof String s ? s : Json.write(v));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A consumed record as one line (without the newline). */
    static String format(ConsumerRecord<byte[], byte[]> r, Format format, String keySeparator) {
        if (format == Format.text) {
            String value = text(r.value());
            return keySeparator == null ? (value == null ? "" : value)
                    : (r.key() == null ? "" : text(r.key())) + keySeparator + (value == null ? "" : value);
        }
        Map<String, Object> headers = new LinkedHashMap<>();
        for (Header h : r.headers()) {
            headers.put(h.key(), text(h.value()));
        }
        return Json.write(Output.object("topic", r.topic(), "partition", r.partition(), "offset", r.offset(),
                "timestamp", r.timestamp(), "key", text(r.key()), "value", text(r.value()), "headers", headers));
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
