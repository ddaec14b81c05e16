package io.spillway.log;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

import java.util.HashMap;
import java.util.Map;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and the sequence ranges
 * of its last {@value #CACHED_BATCHES} batches, so a retried batch is recognised and answered with
 * its original offsets. Rebuilt at startup from the batch headers in the log.
 *
 * <p>Not thread safe; guarded by the owning {@link PartitionLog}'s monitor.
 */
final class ProducerStateTable {
    /** As many batches as a producer may have in flight (max.in.flight.requests.per.connection = 5). */
    static final int CACHED_BATCHES = 5;

    private final Map<Long, Producer> producers = new HashMap<>();

    /** The original first and last offsets of a retried batch, or null if it is new. */
    long[] findDuplicate(long producerId, short epoch, int firstSeq, int lastSeq) {
        Producer producer = producers.get(producerId);
        if (producer == null || producer.epoch != epoch) {
            return null;
        }
        for (int i = 0; i < producer.count; i++) {
            if (producer.firstSeqs[i] == firstSeq && producer.lastSeqs[i] == lastSeq) {
                return new long[] {producer.firstOffsets[i], producer.firstOffsets[i] + (lastSeq - firstSeq)};
            }
        }
        return null;
    }

    /** Throws the error Kafka returns if a batch with this epoch and first sequence may not be appended now. */
    void check(String partition, long producerId, short epoch, int firstSeq) {
        Producer producer = producers.get(producerId);
        if (producer == null) {
            // No state for this producer here (new, or its batches were removed by retention): accept.
            return;
        }
        if (epoch < producer.epoch) {
            throw new InvalidProducerEpochException("Producer " + producerId + " on " + partition + " has epoch "
                    + epoch + " but the latest epoch is " + producer.epoch + "; an older producer instance was fenced");
        }
        if (epoch > producer.epoch) {
            if (firstSeq != 0) {
                throw new OutOfOrderSequenceException("Producer " + producerId + " on " + partition
                        + " started epoch " + epoch + " with sequence " + firstSeq + "; a new epoch must start at 0");
            }
            return;
        }
        int lastSeq = producer.lastSeq();
        if (!(firstSeq == lastSeq + 1 || (firstSeq == 0 && lastSeq == Integer.MAX_VALUE))) {
            throw new OutOfOrderSequenceException("Out of order sequence from producer " + producerId + " on "
                    + partition + ": expected " + (lastSeq + 1) + " but got " + firstSeq);
        }
    }

    void record(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset) {
        Producer producer = producers.computeIfAbsent(producerId, id -> new Producer());
        if (epoch != producer.epoch) {
            producer.epoch = epoch;
            producer.count = 0;
            producer.next = 0;
        }
        producer.firstSeqs[producer.next] = firstSeq;
        producer.lastSeqs[producer.next] = lastSeq;
        producer.firstOffsets[producer.next] = firstOffset;
        producer.next = (producer.next + 1) % CACHED_BATCHES;
        producer.count = Math.min(CACHED_BATCHES, producer.count + 1);
    }

    int size() {
        return producers.size();
    }

    private static final class Producer {
        short epoch = -1;
        final int[] firstSeqs = new int[CACHED_BATCHES];
        final int[] lastSeqs = new int[CACHED_BATCHES];
        final long[] firstOffsets = new long[CACHED_BATCHES];
        int count;
        int next;

        int lastSeq() {
            int newest = (next + CACHED_BATCHES - 1) % CACHED_BATCHES;
            return lastSeqs[newest];
        }
    }
}
