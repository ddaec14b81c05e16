package io.spillway.broker.fetch;

import org.apache.kafka.common.Uuid;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An incremental fetch session (KIP-227): the partitions a client fetches and what it was last
 * told about each, so that later requests and responses carry only what changed.
 *
 * <p>Used by one request at a time; callers synchronise on the session.
 */
final class FetchSession {
    final int id;
    int epoch;
    long lastUsedMs;
    /** In the order the client added them, which is the order partitions are answered in. */
    final Map<Key, Partition> partitions = new LinkedHashMap<>();

    FetchSession(int id, long nowMs) {
        this.id = id;
        this.epoch = 1;
        this.lastUsedMs = nowMs;
    }

    /** A partition in a session: by topic id (v13+) or by name (older versions). */
    record Key(Uuid topicId, String topicName, int partition) {
    }

    /** What the client wants of a partition, and the offsets last sent for it. */
    static final class Partition {
        long fetchOffset;
        int maxBytes;
        int currentLeaderEpoch;
        long lastHighWatermark = -1;
        long lastLogStartOffset = -1;

        Partition(long fetchOffset, int maxBytes, int currentLeaderEpoch) {
            this.fetchOffset = fetchOffset;
            this.maxBytes = maxBytes;
            this.currentLeaderEpoch = currentLeaderEpoch;
        }
    }
}
