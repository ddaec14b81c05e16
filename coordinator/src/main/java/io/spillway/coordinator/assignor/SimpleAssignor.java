package io.spillway.coordinator.assignor;

import org.apache.kafka.common.Uuid;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The share-group assignor Kafka calls "simple": every subscribed partition goes to at least one member, and when
 * there are more members than partitions the partitions are shared, each by about the same number of members.
 * With {@code m} members on {@code p} partitions, each partition is meant for {@code ceil(m / p)} members and the
 * resulting slots are dealt out so that member loads differ by at most one. Members keep what they had where that
 * stays within those bounds (fewer share-partition hand-overs on a rebalance).
 *
 * <p>When all members subscribe to the same topics, the partitions of all of them are dealt out together; when
 * subscriptions differ, each topic is dealt out among the members subscribed to it.
 *
 * <p>Stateless and thread safe.
 */
public final class SimpleAssignor {
    public static final String NAME = "simple";

    private SimpleAssignor() {
    }

    /** A partition of a topic, ordered by topic id then partition. */
    private record Slot(Uuid topicId, int partition) implements Comparable<Slot> {
        @Override
        public int compareTo(Slot o) {
            int c = topicId.compareTo(o.topicId);
            return c != 0 ? c : Integer.compare(partition, o.partition);
        }
    }

    /**
     * @param subscriptions each member's subscribed topic ids (only topics that exist)
     * @param partitionCounts the partition count of every subscribed topic
     * @param previous each member's target assignment so far (may lack members)
     * @return every member's new target assignment (possibly empty)
     */
    public static Map<String, Map<Uuid, Set<Integer>>> assign(Map<String, Set<Uuid>> subscriptions,
                                                             Map<Uuid, Integer> partitionCounts,
                                                             Map<String, Map<Uuid, Set<Integer>>> previous) {
        SortedMap<String, Set<Uuid>> members = new TreeMap<>(subscriptions);
        Map<String, Map<Uuid, Set<Integer>>> result = new HashMap<>();
        members.keySet().forEach(m -> result.put(m, new HashMap<>()));
        if (members.isEmpty()) {
            return result;
        }
        boolean homogeneous = members.values().stream().distinct().count() == 1;
        if (homogeneous) {
            deal(new ArrayList<>(members.keySet()), slots(members.values().iterator().next(), partitionCounts),
                    previous, result);
        } else {
            Set<Uuid> topics = new TreeSet<>();
            members.values().forEach(topics::addAll);
            for (Uuid topic : topics) {
                List<String> subscribers = members.entrySet().stream().filter(e -> e.getValue().contains(topic))
                        .map(Map.Entry::getKey).toList();
                deal(subscribers, slots(Set.of(topic), partitionCounts), previous, result);
            }
        }
        Map<String, Map<Uuid, Set<Integer>>> frozen = new HashMap<>();
        result.forEach((m, a) -> frozen.put(m, Assignments.freeze(a)));
        return frozen;
    }

    private static List<Slot> slots(Set<Uuid> topics, Map<Uuid, Integer> partitionCounts) {
        List<Slot> out = new ArrayList<>();
        for (Uuid topic : new TreeSet<>(topics)) {
            int count = partitionCounts.getOrDefault(topic, 0);
            for (int p = 0; p < count; p++) {
                out.add(new Slot(topic, p));
            }
        }
        return out;
    }

    /** Deals {@code partitions} out among {@code members} (sorted), adding to {@code result}. */
    private static void deal(List<String> members, List<Slot> partitions, Map<String, Map<Uuid, Set<Integer>>> previous,
                             Map<String, Map<Uuid, Set<Integer>>> result) {
        int m = members.size();
        int p = partitions.size();
        if (m == 0 || p == 0) {
            return;
        }
        int sharing = (m + p - 1) / p;
        long slots = (long) sharing * p;
        int[] quota = new int[m];
        for (int i = 0; i < m; i++) {
            quota[i] = (int) (ceilDiv(slots * (i + 1), m) - ceilDiv(slots * i, m));
        }
        Map<Slot, Integer> holders = new HashMap<>();
        partitions.forEach(s -> holders.put(s, 0));
        List<Set<Slot>> held = new ArrayList<>();
        // Keep what members had, within their quota and the partition's sharing.
        for (int i = 0; i < m; i++) {
            Set<Slot> mine = new TreeSet<>();
            held.add(mine);
            Map<Uuid, Set<Integer>> before = previous.getOrDefault(members.get(i), Map.of());
            List<Slot> had = new ArrayList<>();
            before.forEach((topic, ps) -> ps.forEach(partition -> had.add(new Slot(topic, partition))));
            had.sort(null);
            for (Slot s : had) {
                Integer count = holders.get(s);
                if (count != null && mine.size() < quota[i] && count < sharing) {
                    mine.add(s);
                    holders.put(s, count + 1);
                }
            }
        }
        // Fill every member up to its quota with the partitions the fewest members hold.
        for (int i = 0; i < m; i++) {
            Set<Slot> mine = held.get(i);
            while (mine.size() < quota[i]) {
                Slot best = null;
                for (Slot s : partitions) {
                    if (!mine.contains(s) && (best == null || holders.get(s) < holders.get(best))) {
                        best = s;
                    }
                }
                if (best == null) {
                    break;
                }
                mine.add(best);
                holders.merge(best, 1, Integer::sum);
            }
            Map<Uuid, Set<Integer>> out = result.get(members.get(i));
            for (Slot s : mine) {
                out.computeIfAbsent(s.topicId(), t -> new TreeSet<>()).add(s.partition());
            }
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
