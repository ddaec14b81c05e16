package io.spillway.meta;

import java.util.Map;

/**
 * Builds the body of one metadata record: its type id and version (one byte each), then typed fields
 * in Spillway's record encoding ({@link io.spillway.common.codec.RecordWriter}).
 *
 * <p>Version 2 (written now) encodes strings as the record encoding does; version 1 (read by
 * {@link RecordReader}) used Java's modified UTF-8 with an unsigned length, identical bytes for the ASCII
 * names and values that metadata holds in practice.
 */
final class RecordWriter {
    static final byte VERSION = 2;

    private final io.spillway.common.codec.RecordWriter out = new io.spillway.common.codec.RecordWriter();

    RecordWriter(MetadataRecordType type) {
        out.int8(type.id).int8(VERSION);
    }

    RecordWriter writeByte(int value) {
        out.int8(value);
        return this;
    }

    RecordWriter writeInt(int value) {
        out.int32(value);
        return this;
    }

    RecordWriter writeLong(long value) {
        out.int64(value);
        return this;
    }

    RecordWriter writeString(String value) {
        out.string(value);
        return this;
    }

    RecordWriter writeBytes(byte[] value) {
        out.bytes(value);
        return this;
    }

    RecordWriter writeMap(Map<String, String> map) {
        out.stringMap(map);
        return this;
    }

    byte[] toBytes() {
        return out.toBytes();
    }
}
