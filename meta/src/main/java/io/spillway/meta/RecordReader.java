package io.spillway.meta;

import io.spillway.common.codec.RecordReader.RecordFormatException;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the fields of one metadata record written by {@link RecordWriter} (any version up to its own). */
final class RecordReader {
    private final io.spillway.common.codec.RecordReader in;
    private final ByteBuffer body;
    final MetadataRecordType type;
    final byte version;

    RecordReader(ByteBuffer body) {
        this.body = body;
        this.in = new io.spillway.common.codec.RecordReader(body, "metadata record");
        this.type = MetadataRecordType.of(in.int8());
        this.version = in.int8();
        if (version < 1 || version > RecordWriter.VERSION) {
            throw new RecordFormatException("Metadata record of type " + type + " has version " + version
                    + " but this broker reads versions 1 to " + RecordWriter.VERSION
                    + "; it was written by a newer Spillway (downgrades are not supported)");
        }
    }

    byte readByte() {
        return in.int8();
    }

    int readInt() {
        return in.int32();
    }

    long readLong() {
        return in.int64();
    }

    String readString() {
        return version == 1 ? readModifiedUtf8() : in.string();
    }

    /** Version 1 strings: Java's {@code writeUTF} (unsigned int16 length, modified UTF-8). */
    private String readModifiedUtf8() {
        int length = Short.toUnsignedInt(in.int16());
        if (length > body.remaining()) {
            throw new RecordFormatException("Metadata record of type " + type + " is truncated in a string of "
                    + length + " bytes");
        }
        byte[] framed = new byte[length + 2];
        framed[0] = (byte) (length >>> 8);
        framed[1] = (byte) length;
        body.get(framed, 2, length);
        try {
            return new DataInputStream(new ByteArrayInputStream(framed)).readUTF();
        } catch (IOException e) {
            throw new RecordFormatException("Metadata record of type " + type + " holds a malformed string: "
                    + e.getMessage());
        }
    }

    /** Bytes fields exist only in records that version 1 never had. */
    byte[] readBytes() {
        return in.bytes();
    }

    Map<String, String> readMap() {
        if (version > 1) {
            return in.stringMap();
        }
        int size = readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(), readString());
        }
        return map;
    }
}
