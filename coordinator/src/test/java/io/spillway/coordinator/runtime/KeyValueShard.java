package io.spillway.coordinator.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The smallest coordinator there is, for runtime tests: a map of strings, changed by put records (null
 * deletes), with transactional puts pending until their marker; a key "p|k" is kept in place p's partition.
 * Owned by the runtime's event thread.
 */
final class KeyValueShard implements CoordinatorShard<KeyValueShard.Put> {
    /** One change: set {@code key} to {@code value}, or delete it when value is null. */
    record Put(String key, String value) {
    }

    final Map<String, String> values = new HashMap<>();
    final Map<Long, Map<String, String>> pending = new HashMap<>();
    final CoordinatorContext<Put> context;
    /** Threads that applied records, to check that only the event thread ever does. */
    final List<String> applyingThreads = new ArrayList<>();
    boolean unloaded;

    KeyValueShard(CoordinatorContext<Put> context) {
        this.context = context;
    }

    @Override
    public void replay(Put record, long producerId, short producerEpoch) {
        applyingThreads.add(Thread.currentThread().getName());
        if (producerId >= 0) {
            pending.computeIfAbsent(producerId, id -> new HashMap<>()).put(record.key(), record.value());
        } else if (record.value() == null) {
            values.remove(record.key());
        } else {
            values.put(record.key(), record.value());
        }
    }

    @Override
    public void replayEndTransaction(long producerId, boolean committed, String place) {
        Map<String, String> txn = pending.get(producerId);
        if (txn == null) {
            return;
        }
        txn.entrySet().removeIf(e -> {
            if (!Objects.equals(placeOf(e.getKey()), place)) {
                return false;
            }
            if (committed) {
                if (e.getValue() == null) {
                    values.remove(e.getKey());
                } else {
                    values.put(e.getKey(), e.getValue());
                }
            }
            return true;
        });
        if (txn.isEmpty()) {
            pending.remove(producerId);
        }
    }

    @Override
    public void forgetPlace(String place) {
        values.keySet().removeIf(k -> place.equals(placeOf(k)));
        pending.values().forEach(txn -> txn.keySet().removeIf(k -> place.equals(placeOf(k))));
    }

    /** A key "p|k" is kept in place p; other keys at home. */
    static String placeOf(String key) {
        int bar = key.indexOf('|');
        return bar < 0 ? null : key.substring(0, bar);
    }

    @Override
    public void onUnloaded() {
        unloaded = true;
    }

    @Override
    public List<Put> snapshot() {
        List<Put> live = new ArrayList<>();
        values.forEach((k, v) -> live.add(new Put(k, v)));
        return live;
    }

    /** Keys and values as UTF-8 strings. */
    static final RecordSerde<Put> SERDE = new RecordSerde<>() {
        @Override
        public byte[] key(Put record) {
            return record.key().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] value(Put record) {
            return record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String place(Put record) {
            return placeOf(record.key());
        }

        @Override
        public Put decode(ByteBuffer key, ByteBuffer value) {
            return new Put(StandardCharsets.UTF_8.decode(key).toString(),
                    value == null ? null : StandardCharsets.UTF_8.decode(value).toString());
        }
    };
}
