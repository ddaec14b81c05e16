package io.spillway.broker.share;

import io.spillway.broker.share.SharePartition.AckBatch;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Applies the acknowledgements of one ShareFetch or ShareAcknowledge request, partition by partition, and
 * completes with each partition's error once every partition's new state is stored (so the response never
 * confirms an acknowledgement that a crash could take back).
 */
final class ShareAcknowledger {
    private final SharePartitions partitions;

    ShareAcknowledger(SharePartitions partitions) {
        this.partitions = partitions;
    }

    /** The acknowledgements for one partition of a request, with the partition resolved. */
    record PartitionAcks(ShareTarget target, List<AckBatch> batches) {
    }

    CompletableFuture<Map<ShareSessions.Partition, Errors>> apply(String groupId, String memberId,
                                                                 List<PartitionAcks> acks, boolean renewAllowed) {
        Map<ShareSessions.Partition, CompletableFuture<Errors>> results = new LinkedHashMap<>();
        ShareGroupSettings settings = partitions.settings(groupId);
        for (PartitionAcks a : acks) {
            ShareTarget t = a.target();
            if (!t.ok()) {
                results.put(t.partition(), CompletableFuture.completedFuture(t.error()));
                continue;
            }
            results.put(t.partition(), partitions.get(t.key(groupId), t.topic().kafkaName(), t.log())
                    .thenCompose(p -> p.acknowledge(memberId, a.batches(), settings, renewAllowed))
                    .exceptionally(error -> Errors.COORDINATOR_NOT_AVAILABLE));
        }
        return CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<ShareSessions.Partition, Errors> errors = new LinkedHashMap<>();
            results.forEach((partition, f) -> errors.put(partition, f.join()));
            return errors;
        });
    }
}
