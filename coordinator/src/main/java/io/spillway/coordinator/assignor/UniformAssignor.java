package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The "uniform" server assignor (the default): spreads all partitions of the subscribed topics so
 * that no partition could move to another subscriber of its topic to make two members' partition
 * counts closer (with identical subscriptions: counts differ by at most one), and among such
 * assignments keeps as much of the previous target as it can.
 *
 * <p>Three steps: every member keeps the partitions of its previous target that it still subscribes
 * to; the remaining partitions go one by one to the least loaded subscriber, topics with the fewest
 * subscribers first; then partitions move from the most to the least loaded eligible members until
 * no move narrows a gap of two or more. Rack ids are not considered.
 */
public final class UniformAssignor implements PartitionAssignor {
    public static final String NAME = "uniform";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Map<Uuid, Set<Integer>>> assign(Spec spec) {
        Balancer balancer = new Balancer(spec);
        balancer.keepPreviousTargets();
        balancer.assignRemaining();
        balancer.balance();
        return balancer.result();
    }

    /** The working state of one assignment. Not thread safe. */
    private static final class Balancer {
        private final Spec spec;
        private final List<String> memberOrder;
        private final Map<Uuid, Integer> partitionCounts = new TreeMap<>();
        private final Map<Uuid, List<String>> subscribers = new TreeMap<>();
        private final Map<String, Map<Uuid, TreeSet<Integer>>> assigned = new HashMap<>();
        private final Map<String, Integer> load = new HashMap<>();
        private final Map<Uuid, Map<Integer, String>> owner = new HashMap<>();

        Balancer(Spec spec) {
            this.spec = spec;
            this.memberOrder = new ArrayList<>(spec.members().keySet());
            for (String memberId : memberOrder) {
                assigned.put(memberId, new TreeMap<>());
                load.put(memberId, 0);
                for (Uuid topicId : spec.members().get(memberId).topics()) {
                    int count = partitionCounts.computeIfAbsent(topicId, t -> spec.partitionCounts().applyAsInt(t));
                    if (count > 0) {
                        subscribers.computeIfAbsent(topicId, t -> new ArrayList<>()).add(memberId);
                    }
                }
            }
        }

        void keepPreviousTargets() {
            for (String memberId : memberOrder) {
                PartitionAssignor.MemberSpec member = spec.members().get(memberId);
                member.currentTarget().forEach((topicId, partitions) -> {
                    if (!member.topics().contains(topicId) || !subscribers.containsKey(topicId)) {
                        return;
                    }
                    int count = partitionCounts.get(topicId);
                    for (int p : partitions) {
                        if (p < count && ownerOf(topicId, p) == null) {
                            give(memberId, topicId, p);
                        }
                    }
                });
            }
        }

        void assignRemaining() {
            List<Uuid> topics = new ArrayList<>(subscribers.keySet());
            topics.sort(Comparator.comparingInt((Uuid t) -> subscribers.get(t).size()).thenComparing(t -> t));
            for (Uuid topicId : topics) {
                int count = partitionCounts.get(topicId);
                for (int p = 0; p < count; p++) {
                    if (ownerOf(topicId, p) == null) {
                        give(leastLoaded(subscribers.get(topicId)), topicId, p);
                    }
                }
            }
        }

        /** Moves one partition at a time from the most loaded member that can give one to its least loaded taker. */
        void balance() {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < memberOrder.size(); i++) {
                index.put(memberOrder.get(i), i);
            }
            TreeSet<String> byLoad = new TreeSet<>(Comparator.comparingInt((String m) -> -load.get(m))
                    .thenComparingInt(index::get));
            byLoad.addAll(memberOrder);
            boolean moved = true;
            while (moved) {
                moved = false;
                int minLoad = load.get(byLoad.last());
                for (String donor : byLoad) {
                    if (load.get(donor) - minLoad <= 1) {
                        break;
                    }
                    for (Map.Entry<Uuid, TreeSet<Integer>> topic : assigned.get(donor).entrySet()) {
                        Uuid topicId = topic.getKey();
                        String taker = leastLoaded(subscribers.get(topicId));
                        if (load.get(taker) < load.get(donor) - 1) {
                            int partition = topic.getValue().last();
                            byLoad.remove(donor);
                            byLoad.remove(taker);
                            take(donor, topicId, partition);
                            give(taker, topicId, partition);
                            byLoad.add(donor);
                            byLoad.add(taker);
                            moved = true;
                            break;
                        }
                    }
                    if (moved) {
                        break;
                    }
                }
            }
        }

        Map<String, Map<Uuid, Set<Integer>>> result() {
            Map<String, Map<Uuid, Set<Integer>>> out = new HashMap<>();
            assigned.forEach((memberId, partitions) -> out.put(memberId, Assignments.freeze(partitions)));
            return out;
        }

        private String leastLoaded(List<String> candidates) {
            String best = candidates.get(0);
            for (String m : candidates) {
                if (load.get(m) < load.get(best)) {
                    best = m;
                }
            }
            return best;
        }

        private String ownerOf(Uuid topicId, int partition) {
            return owner.getOrDefault(topicId, Map.of()).get(partition);
        }

        private void give(String memberId, Uuid topicId, int partition) {
            assigned.get(memberId).computeIfAbsent(topicId, t -> new TreeSet<>()).add(partition);
            owner.computeIfAbsent(topicId, t -> new HashMap<>()).put(partition, memberId);
            load.merge(memberId, 1, Integer::sum);
        }

        private void take(String memberId, Uuid topicId, int partition) {
            TreeSet<Integer> partitions = assigned.get(memberId).get(topicId);
            partitions.remove(partition);
            if (partitions.isEmpty()) {
                assigned.get(memberId).remove(topicId);
            }
            owner.get(topicId).remove(partition);
            load.merge(memberId, -1, Integer::sum);
        }
    }
}
