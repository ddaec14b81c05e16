package io.spillway.coordinator.runtime;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest coordinator there is, for runtime tests: a map of strings, changed by put records (null
 * deletes), with transactional puts pending until their marker. Owned by the runtime's event thread.
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
    public void replayEndTransaction(long producerId, boolean committed) {
        Map<String, String> txn = pending.remove(producerId);
        if (txn != null && committed) {
            values.putAll(txn);
        }
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

    @Override
    public int liveRecordCount() {
        return values.size();
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
        public Put decode(ByteBuffer key, ByteBuffer value) {
            return new Put(StandardCharsets.UTF_8.decode(key).toString(),
                    value == null ? null : StandardCharsets.UTF_8.decode(value).toString());
        }
    };
}
