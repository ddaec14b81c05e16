package io.spillway.coordinator.share;

import io.spillway.coordinator.runtime.Changes;
import io.spillway.coordinator.runtime.CoordinatorShard;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedStateEpochException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The share coordinator's state: the stored state of every share-partition, by group. It changes only in
 * {@link #replay} (and {@link #forgetPlace}, when a stream's partition is gone); the operations below check,
 * then hand their records to {@link Changes#add}, which replays them, so a restart rebuilds exactly this.
 *
 * <p>Share state is never written in a transaction, so every record takes effect at once.
 *
 * <p>Thread contract: owned by the runtime's event thread, as every {@link CoordinatorShard}; no locks.
 */
final class ShareCoordinatorShard implements CoordinatorShard<ShareStateRecord> {
    /** Group id → key → its latest record (never a tombstone). */
    private final Map<String, Map<SharePartitionKey, ShareStateRecord>> byGroup = new HashMap<>();
    /** Told of each share-partition an admin operation replaced or deleted, once that is durable. */
    private final Consumer<SharePartitionKey> onReset;

    /**
     * @param onReset called on the event thread after an admin change is durable; it must hand work off
     */
    ShareCoordinatorShard(Consumer<SharePartitionKey> onReset) {
        this.onReset = onReset;
    }

    @Override
    public void replay(ShareStateRecord record, long producerId, short producerEpoch) {
        SharePartitionKey key = record.key();
        if (record.isTombstone()) {
            Map<SharePartitionKey, ShareStateRecord> group = byGroup.get(key.groupId());
            if (group != null && group.remove(key) != null && group.isEmpty()) {
                byGroup.remove(key.groupId());
            }
        } else {
            byGroup.computeIfAbsent(key.groupId(), g -> new HashMap<>()).put(key, record);
        }
    }

    @Override
    public void forgetPlace(String place) {
        for (Iterator<Map<SharePartitionKey, ShareStateRecord>> groups = byGroup.values().iterator(); groups.hasNext(); ) {
            Map<SharePartitionKey, ShareStateRecord> group = groups.next();
            group.values().removeIf(r -> Objects.equals(r.place(), place));
            if (group.isEmpty()) {
                groups.remove();
            }
        }
    }

    @Override
    public List<ShareStateRecord> snapshot() {
        List<ShareStateRecord> live = new ArrayList<>();
        byGroup.values().forEach(group -> live.addAll(group.values()));
        return live;
    }

    // ---------------------------------------------------------------- operations (event thread)

    SharePartitionState read(SharePartitionKey key) {
        ShareStateRecord stored = stored(key);
        return stored == null ? null : stored.state();
    }

    /** Every stored state of the group, in no particular order (an immutable copy: it leaves the event thread). */
    Map<SharePartitionKey, SharePartitionState> readGroup(String groupId) {
        Map<SharePartitionKey, ShareStateRecord> group = byGroup.getOrDefault(groupId, Map.of());
        Map<SharePartitionKey, SharePartitionState> states = new HashMap<>();
        group.forEach((key, record) -> states.put(key, record.state()));
        return Map.copyOf(states);
    }

    /**
     * Stores the state (already checked, see {@link ShareStateChecks}).
     *
     * @param newPlace where a key not stored yet goes; a stored key keeps its place
     * @throws FencedStateEpochException when the stored epoch is newer than the state's
     */
    void write(Changes<ShareStateRecord> changes, SharePartitionKey key, SharePartitionState state, String newPlace) {
        ShareStateRecord stored = stored(key);
        if (stored != null && stored.state().stateEpoch() > state.stateEpoch()) {
            throw new FencedStateEpochException("The state of share-partition " + key + " is at state epoch "
                    + stored.state().stateEpoch() + ", newer than the " + state.stateEpoch() + " written: an admin "
                    + "operation replaced it; read it again");
        }
        changes.add(new ShareStateRecord(key, stored == null ? newPlace : stored.place(), state));
    }

    /**
     * Replaces the state with {@code startOffset} and no in-flight records under the next state epoch (1 when
     * none was stored, so a broker that assumed epoch 0 is fenced too); returns that epoch.
     */
    int reset(Changes<ShareStateRecord> changes, SharePartitionKey key, long startOffset, String newPlace) {
        ShareStateRecord stored = stored(key);
        int epoch = stored == null ? 1 : stored.state().stateEpoch() + 1;
        changes.add(new ShareStateRecord(key, stored == null ? newPlace : stored.place(),
                new SharePartitionState(epoch, startOffset, List.of())));
        changes.afterDurable(() -> onReset.accept(key));
        return epoch;
    }

    /** Deletes the group's states of these topics (all when null), telling the reset listeners; returns how many. */
    int delete(Changes<ShareStateRecord> changes, String groupId, Set<Uuid> topicIds) {
        List<SharePartitionKey> deleted = deleteWhere(changes, byGroup.getOrDefault(groupId, Map.of()).values(),
                topicIds);
        if (!deleted.isEmpty()) {
            changes.afterDurable(() -> deleted.forEach(onReset));
        }
        return deleted.size();
    }

    /** Deletes every group's states of these topics, telling no one (the partitions are gone); returns how many. */
    int forgetTopics(Changes<ShareStateRecord> changes, Set<Uuid> topicIds) {
        List<ShareStateRecord> all = new ArrayList<>();
        byGroup.values().forEach(group -> all.addAll(group.values()));
        return deleteWhere(changes, all, topicIds).size();
    }

    private static List<SharePartitionKey> deleteWhere(Changes<ShareStateRecord> changes,
                                                       Iterable<ShareStateRecord> candidates, Set<Uuid> topicIds) {
        List<ShareStateRecord> tombstones = new ArrayList<>();
        for (ShareStateRecord r : candidates) {
            if (topicIds == null || topicIds.contains(r.key().topicId())) {
                tombstones.add(ShareStateRecord.tombstone(r.key(), r.place()));
            }
        }
        // Collected first: each tombstone replays into the maps being read.
        List<SharePartitionKey> keys = new ArrayList<>(tombstones.size());
        for (ShareStateRecord t : tombstones) {
            changes.add(t);
            keys.add(t.key());
        }
        return keys;
    }

    private ShareStateRecord stored(SharePartitionKey key) {
        Map<SharePartitionKey, ShareStateRecord> group = byGroup.get(key.groupId());
        return group == null ? null : group.get(key);
    }
}
