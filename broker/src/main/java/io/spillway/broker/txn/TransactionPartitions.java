package io.spillway.broker.txn;

import io.spillway.broker.Topics;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Checks the partitions a transactional request names as Kafka does: when some do not exist, those answer
 * UNKNOWN_TOPIC_OR_PARTITION and the others OPERATION_NOT_ATTEMPTED, and the coordinator is not asked.
 */
final class TransactionPartitions {
    private TransactionPartitions() {
    }

    /** Per-partition errors when some partition does not exist, else null (all exist). */
    static Map<TopicPartition, Errors> unknown(Topics topics, Collection<TopicPartition> partitions) {
        Map<TopicPartition, Errors> errors = new HashMap<>();
        boolean anyUnknown = false;
        for (TopicPartition tp : partitions) {
            boolean exists = topics.partition(tp.topic(), tp.partition()) != null;
            anyUnknown |= !exists;
            errors.put(tp, exists ? Errors.OPERATION_NOT_ATTEMPTED : Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        return anyUnknown ? errors : null;
    }
}
