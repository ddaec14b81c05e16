package io.spillway.meta;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads the fields of one metadata record written by {@link RecordWriter}. */
final class RecordReader {
    private final ByteBuffer body;
    final MetadataRecordType type;
    final byte version;

    RecordReader(ByteBuffer body) {
        this.body = body;
        this.type = MetadataRecordType.of(body.get());
        this.version = body.get();
    }

    int readInt() {
        return body.getInt();
    }

    long readLong() {
        return body.getLong();
    }

    String readString() {
        int length = Short.toUnsignedInt(body.getShort());
        byte[] utf = new byte[length];
        body.get(utf);
        // writeUTF uses modified UTF-8, identical to UTF-8 for the names and values we store
        return new String(utf, StandardCharsets.UTF_8);
    }

    Map<String, String> readMap() {
        int size = readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            map.put(readString(), readString());
        }
        return map;
    }
}
