package io.spillway.broker.share;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.requests.ShareRequestMetadata;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Share sessions (KIP-932): per group and member, the partitions a share consumer fetches from this broker and
 * the epoch its next request must carry. A ShareFetch with epoch 0 opens (or replaces) a session, later requests
 * add and forget partitions and raise the epoch by one each (ShareAcknowledge too), epoch -1 closes it. Bounded
 * by {@code group.share.max.share.sessions}: when full, sessions idle for longer than the eviction age make room.
 *
 * <p>Thread safe: the map is concurrent and each session is guarded by its own monitor.
 */
final class ShareSessions {
    /** A session unused this long may be evicted to make room for a new one. */
    static final long EVICTABLE_AFTER_MS = 60_000;

    record Key(String groupId, String memberId) {
    }

    /** One partition of a session, by topic id as the protocol names it. */
    record Partition(Uuid topicId, int partition) {
    }

    static final class Session {
        final Key key;
        /** The epoch the next request must carry. */
        int epoch = 1;
        final Set<Partition> partitions = new LinkedHashSet<>();
        long lastUsedMs;
        /** Where the next fetch starts its round over the partitions, so none is always served last. */
        int nextStart;

        Session(Key key, long nowMs) {
            this.key = key;
            this.lastUsedMs = nowMs;
        }

        List<Partition> partitionsInRoundOrder() {
            List<Partition> all = List.copyOf(partitions);
            if (all.isEmpty()) {
                return all;
            }
            int from = Math.floorMod(nextStart++, all.size());
            java.util.ArrayList<Partition> ordered = new java.util.ArrayList<>(all.size());
            ordered.addAll(all.subList(from, all.size()));
            ordered.addAll(all.subList(0, from));
            return ordered;
        }
    }

    private final Map<Key, Session> sessions = new ConcurrentHashMap<>();
    private final int maxSessions;

    ShareSessions(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /**
     * Opens a session (epoch 0 request), replacing the member's earlier one. Returns null when the broker holds
     * its maximum of sessions and none is old enough to evict.
     */
    Session open(Key key, Collection<Partition> partitions, long nowMs) {
        Session old = sessions.remove(key);
        if (old == null && sessions.size() >= maxSessions && !evictOne(nowMs)) {
            return null;
        }
        Session session = new Session(key, nowMs);
        session.partitions.addAll(partitions);
        session.epoch = ShareRequestMetadata.nextEpoch(ShareRequestMetadata.INITIAL_EPOCH);
        sessions.put(key, session);
        return session;
    }

    Session get(Key key) {
        return sessions.get(key);
    }

    Session remove(Key key) {
        return sessions.remove(key);
    }

    /** Sessions of a member that left its group. */
    void removeMember(String groupId, String memberId) {
        sessions.remove(new Key(groupId, memberId));
    }

    int size() {
        return sessions.size();
    }

    private boolean evictOne(long nowMs) {
        Session oldest = null;
        for (Session s : sessions.values()) {
            if (oldest == null || s.lastUsedMs < oldest.lastUsedMs) {
                oldest = s;
            }
        }
        if (oldest != null && nowMs - oldest.lastUsedMs >= EVICTABLE_AFTER_MS) {
            return sessions.remove(oldest.key, oldest);
        }
        return false;
    }
}
