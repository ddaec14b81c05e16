package io.spillway.common.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the typed fields of one persisted record (a metadata record, a coordinator record key or
 * value) in Spillway's one record encoding, read back by {@link RecordReader}:
 *
 * <pre>
 *   int8 / int16 / int32 / int64   big-endian, two's complement
 *   boolean                        int8, 0 or 1
 *   string                         int16 byte length (-1 for null) + UTF-8 bytes (at most 32767)
 *   bytes                          int32 length (-1 for null) + the bytes
 *   string map                     int32 entry count + (string key, string value) per entry
 * </pre>
 *
 * A record that may change shape starts with an int16 version ({@link #version}); a reader accepts every
 * version up to the newest it knows and refuses newer ones with a clear error (see
 * {@link RecordReader#version}). Fields are only ever appended in a new version, never reordered.
 *
 * <p>Not thread safe; one writer builds one record.
 */
public final class RecordWriter {
    private byte[] buffer = new byte[64];
    private int size;

    /** The int16 version that starts a versioned record or value. */
    public RecordWriter version(int version) {
        return int16(version);
    }

    public RecordWriter int8(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public RecordWriter bool(boolean value) {
        return int8(value ? 1 : 0);
    }

    public RecordWriter int16(int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public RecordWriter int32(int value) {
        ensure(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public RecordWriter int64(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /**
     * @throws IllegalArgumentException if the UTF-8 form is longer than 32767 bytes
     */
    public RecordWriter string(String value) {
        if (value == null) {
            return int16(-1);
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > Short.MAX_VALUE) {
            throw new IllegalArgumentException("String of " + utf8.length + " UTF-8 bytes is too long for a record field"
                    + " (at most " + Short.MAX_VALUE + "): " + value.substring(0, 40) + "...");
        }
        int16(utf8.length);
        return raw(utf8);
    }

    public RecordWriter bytes(byte[] value) {
        if (value == null) {
            return int32(-1);
        }
        int32(value.length);
        return raw(value);
    }

    /** Entries in the map's iteration order (pass a sorted or insertion-ordered map for stable bytes). */
    public RecordWriter stringMap(Map<String, String> map) {
        int32(map.size());
        map.forEach((k, v) -> string(k).string(v));
        return this;
    }

    private RecordWriter raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
        return this;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }

    /** The record's bytes so far (a copy). */
    public byte[] toBytes() {
        return Arrays.copyOf(buffer, size);
    }
}
