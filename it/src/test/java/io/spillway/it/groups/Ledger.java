package io.spillway.it.groups;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;

/** Every delivery of every record to every member of one test. Thread safe. */
final class Ledger {

    /**
     * One delivery of one record to one member. {@code atNanos} is {@link System#nanoTime()} when the
     * member received it; on Linux that clock is shared by all processes, so deliveries to a member in a
     * child JVM order correctly against the others.
     */
    static final class Delivery {
        final long atNanos;
        final String member;
        final TopicPartition partition;
        final long offset;
        final String value;
        volatile boolean committed;

        Delivery(long atNanos, String member, TopicPartition partition, long offset, String value) {
            this.atNanos = atNanos;
            this.member = member;
            this.partition = partition;
            this.offset = offset;
            this.value = value;
        }

        @Override
        public String toString() {
            return member + "@" + atNanos + (committed ? "(committed)" : "(uncommitted)");
        }
    }

    /**
     * One member's deliveries that no successful commit covers yet. A commit of offset N for a partition
     * marks the member's pending deliveries below N committed; when the member loses a partition, its
     * pending deliveries of that partition stay uncommitted for good. Not thread safe: one per member,
     * used by the thread that follows that member.
     */
    static final class Pending {
        private final Map<TopicPartition, List<Delivery>> byPartition = new HashMap<>();

        void add(Delivery d) {
            byPartition.computeIfAbsent(d.partition, k -> new ArrayList<>()).add(d);
        }

        void committed(TopicPartition tp, long nextOffset) {
            List<Delivery> pending = byPartition.get(tp);
            if (pending != null) {
                pending.removeIf(d -> {
                    if (d.offset < nextOffset) {
                        d.committed = true;
                        return true;
                    }
                    return false;
                });
            }
        }

        void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(byPartition::remove);
        }
    }

    final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    Delivery record(long atNanos, String member, TopicPartition tp, long offset, String value) {
        Delivery d = new Delivery(atNanos, member, tp, offset, value);
        deliveries.add(d);
        return d;
    }

    /** Deliveries per (partition, offset), each list in delivery order. */
    Map<TopicPartition, Map<Long, List<Delivery>>> byRecord() {
        Map<TopicPartition, Map<Long, List<Delivery>>> out = new HashMap<>();
        List<Delivery> sorted = new ArrayList<>(deliveries);
        sorted.sort((a, b) -> Long.compare(a.atNanos, b.atNanos));
        for (Delivery d : sorted) {
            out.computeIfAbsent(d.partition, k -> new HashMap<>()).computeIfAbsent(d.offset, k -> new ArrayList<>()).add(d);
        }
        return out;
    }
}
