package io.spillway.coordinator.group;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reading and writing the typed fields of coordinator records: big-endian integers, strings as
 * {@code int16 length + UTF-8} with length -1 for null, bytes as {@code int32 length + bytes}, topic
 * ids as two int64 (most significant first).
 */
final class RecordCodec {
    private RecordCodec() {
    }

    /** Accumulates fields of one key or value. Not thread safe. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer int8(int v) {
            try {
                out.writeByte(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer uuid(org.apache.kafka.common.Uuid id) {
            return int64(id.getMostSignificantBits()).int64(id.getLeastSignificantBits());
        }

        Writer int16(int v) {
            try {
                out.writeShort(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer int32(int v) {
            try {
                out.writeInt(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer int64(long v) {
            try {
                out.writeLong(v);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        Writer string(String s) {
            if (s == null) {
                return int16(-1);
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            int16(utf8.length);
            bytes.write(utf8, 0, utf8.length);
            return this;
        }

        Writer bytes(byte[] b) {
            int32(b == null ? -1 : b.length);
            if (b != null) {
                bytes.write(b, 0, b.length);
            }
            return this;
        }

        byte[] toBytes() {
            return bytes.toByteArray();
        }
    }

    static org.apache.kafka.common.Uuid uuid(ByteBuffer in) {
        long most = in.getLong();
        return new org.apache.kafka.common.Uuid(most, in.getLong());
    }

    static String string(ByteBuffer in) {
        short length = in.getShort();
        if (length < 0) {
            return null;
        }
        byte[] utf8 = new byte[length];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    static byte[] bytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.get(b);
        return b;
    }
}
