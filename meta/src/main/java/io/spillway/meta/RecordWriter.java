package io.spillway.meta;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Builds the body of one metadata record: type id, version, then typed fields. */
final class RecordWriter {
    static final byte VERSION = 1;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    private final DataOutputStream out = new DataOutputStream(bytes);

    RecordWriter(MetadataRecordType type) {
        writeByte(type.id);
        writeByte(VERSION);
    }

    RecordWriter writeByte(int value) {
        try {
            out.writeByte(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RecordWriter writeInt(int value) {
        try {
            out.writeInt(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RecordWriter writeLong(long value) {
        try {
            out.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RecordWriter writeString(String value) {
        try {
            out.writeUTF(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    RecordWriter writeMap(Map<String, String> map) {
        writeInt(map.size());
        map.forEach((k, v) -> writeString(k).writeString(v));
        return this;
    }

    byte[] toBytes() {
        return bytes.toByteArray();
    }
}
