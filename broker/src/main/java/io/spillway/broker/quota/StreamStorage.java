package io.spillway.broker.quota;

import io.spillway.broker.Topics;
import io.spillway.log.PartitionLog;
import io.spillway.meta.TopicMetadata;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes a stream's topics hold on disk, summed over their partitions. Summing walks every partition of the
 * stream, so a sum is reused for up to a second: a stream at its storage quota may take up to a second of writes
 * more before produce is refused. Thread safe.
 */
final class StreamStorage {
    private static final long REFRESH_MS = 1_000;

    private record Usage(long bytes, long measuredMs) {
    }

    private final Topics topics;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();

    StreamStorage(Topics topics) {
        this.topics = topics;
    }

    long bytes(String stream, long nowMs) {
        Usage known = usage.get(stream);
        if (known != null && nowMs - known.measuredMs < REFRESH_MS) {
            return known.bytes;
        }
        long bytes = measure(stream);
        usage.put(stream, new Usage(bytes, nowMs));
        return bytes;
    }

    private long measure(String stream) {
        String prefix = stream + ":";
        long bytes = 0;
        for (TopicMetadata topic : topics.allFrom(prefix)) {
            if (!topic.kafkaName().startsWith(prefix)) {
                break;
            }
            for (int p = 0; p < topic.partitionCount(); p++) {
                PartitionLog log = topics.partition(topic, p);
                if (log != null) {
                    bytes += log.sizeBytes();
                }
            }
        }
        return bytes;
    }
}
