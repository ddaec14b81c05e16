package io.spillway.common.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the fields {@link RecordWriter} wrote, in the same order. Every read checks that the bytes are
 * there: a truncated or corrupt record fails with a {@link RecordFormatException} that says which record
 * and where, never with an unchecked buffer error or an allocation sized by garbage.
 *
 * <p>Not thread safe; reads advance the position of the buffer given at construction.
 */
public final class RecordReader {
    private final ByteBuffer in;
    private final String what;

    /**
     * @param in the record's bytes from its position to its limit (the position advances as fields are read)
     * @param what the kind of record, for error messages (e.g. "offset commit value")
     */
    public RecordReader(ByteBuffer in, String what) {
        this.in = in;
        this.what = what;
    }

    /**
     * Reads the int16 version that starts a versioned record.
     *
     * @throws RecordFormatException if it is negative or newer than {@code newestKnown}: the data was
     *     written by a newer Spillway, and this one cannot read it
     */
    public short version(int newestKnown) {
        short version = int16();
        if (version < 0 || version > newestKnown) {
            throw new RecordFormatException("The " + what + " has version " + version + " but this broker reads "
                    + "versions 0 to " + newestKnown + "; it was written by a newer Spillway (downgrades are not supported)");
        }
        return version;
    }

    public byte int8() {
        need(1);
        return in.get();
    }

    public boolean bool() {
        return int8() != 0;
    }

    public short int16() {
        need(2);
        return in.getShort();
    }

    public int int32() {
        need(4);
        return in.getInt();
    }

    public long int64() {
        need(8);
        return in.getLong();
    }

    public String string() {
        short length = int16();
        if (length < 0) {
            if (length != -1) {
                throw corrupt("string length " + length);
            }
            return null;
        }
        need(length);
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        int length = int32();
        if (length < 0) {
            if (length != -1) {
                throw corrupt("bytes length " + length);
            }
            return null;
        }
        need(length);
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }

    public Map<String, String> stringMap() {
        int count = int32();
        if (count < 0 || count > in.remaining() / 4) {
            throw corrupt("map of " + count + " entries");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            map.put(string(), string());
        }
        return map;
    }

    /**
     * A collection count read before its elements: at least {@code minElementBytes} must remain per element,
     * so a corrupt count cannot make the caller allocate without bound.
     */
    public int count(int minElementBytes) {
        int count = int32();
        if (count < 0 || (long) count * Math.max(1, minElementBytes) > in.remaining()) {
            throw corrupt("count of " + count);
        }
        return count;
    }

    public boolean hasRemaining() {
        return in.hasRemaining();
    }

    public int remaining() {
        return in.remaining();
    }

    /** The underlying buffer, positioned after the fields read so far (for records that embed raw bytes). */
    public ByteBuffer buffer() {
        return in;
    }

    private void need(int bytes) {
        if (in.remaining() < bytes) {
            throw corrupt("field of " + bytes + " bytes with " + in.remaining() + " left");
        }
    }

    private RecordFormatException corrupt(String detail) {
        return new RecordFormatException("The " + what + " is truncated or corrupt at byte " + in.position() + ": "
                + detail);
    }

    /** Thrown for bytes that are not a record this broker can read. */
    public static final class RecordFormatException extends RuntimeException {
        public RecordFormatException(String message) {
            super(message);
        }
    }
}
