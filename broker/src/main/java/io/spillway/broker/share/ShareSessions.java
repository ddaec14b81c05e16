package io.spillway.broker.share;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ShareRequestMetadata;

import java.util.ArrayList;
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
            List<Partition> ordered = new ArrayList<>(all.size());
            ordered.addAll(all.subList(from, all.size()));
            ordered.addAll(all.subList(0, from));
            return ordered;
        }
    }

    /** A request's session step: the session to serve and the partitions it forgot, or the error to answer. */
    record Step(Session session, List<Partition> forgotten, Errors error, String message) {
        static Step failed(Errors error, String message) {
            return new Step(null, List.of(), error, message);
        }

        boolean ok() {
            return error == Errors.NONE;
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

    /**
     * The session step of a ShareFetch: epoch 0 opens (or replaces) the member's session with the partitions named
     * (refused when it also acknowledges), -1 finds the session to close, any other epoch must be the session's
     * next; it then adds the named partitions, forgets those asked and raises the epoch.
     */
    Step forFetch(Key key, int epoch, Collection<Partition> named, Collection<Partition> forget, boolean acknowledges,
                  long nowMs) {
        if (epoch == ShareRequestMetadata.FINAL_EPOCH) {
            Session session = sessions.get(key);
            return session == null ? Step.failed(Errors.SHARE_SESSION_NOT_FOUND, null)
                    : new Step(session, List.of(), Errors.NONE, null);
        }
        if (epoch == ShareRequestMetadata.INITIAL_EPOCH) {
            if (acknowledges) {
                return Step.failed(Errors.INVALID_REQUEST, "a ShareFetch that opens a share session cannot acknowledge");
            }
            // A member opening a new session (after an error or a reconnect) keeps what it holds: it may still
            // acknowledge those records, as with Kafka; the locks give them back if it does not.
            Session session = open(key, named, nowMs);
            return session == null ? Step.failed(Errors.SHARE_SESSION_LIMIT_REACHED,
                    "this broker holds its maximum of share sessions (group.share.max.share.sessions)")
                    : new Step(session, List.of(), Errors.NONE, null);
        }
        Session session = sessions.get(key);
        if (session == null) {
            return Step.failed(Errors.SHARE_SESSION_NOT_FOUND, null);
        }
        synchronized (session) {
            if (session.epoch != epoch) {
                return Step.failed(Errors.INVALID_SHARE_SESSION_EPOCH, "expected share session epoch "
                        + session.epoch + ", got " + epoch);
            }
            session.partitions.addAll(named);
            List<Partition> forgotten = new ArrayList<>();
            for (Partition p : forget) {
                if (session.partitions.remove(p)) {
                    forgotten.add(p);
                }
            }
            advance(session, nowMs);
            return new Step(session, forgotten, Errors.NONE, null);
        }
    }

    /**
     * The session step of a ShareAcknowledge: it never opens a session (epoch 0 is INVALID_SHARE_SESSION_EPOCH);
     * -1 finds the session to close; any other epoch must be the session's next, which it raises.
     */
    Step forAcknowledge(Key key, int epoch, long nowMs) {
        if (epoch == ShareRequestMetadata.INITIAL_EPOCH) {
            return Step.failed(Errors.INVALID_SHARE_SESSION_EPOCH, "a share session is opened by ShareFetch, not"
                    + " ShareAcknowledge");
        }
        Session session = sessions.get(key);
        if (session == null) {
            return Step.failed(Errors.SHARE_SESSION_NOT_FOUND, null);
        }
        if (epoch != ShareRequestMetadata.FINAL_EPOCH) {
            synchronized (session) {
                if (session.epoch != epoch) {
                    return Step.failed(Errors.INVALID_SHARE_SESSION_EPOCH, "expected share session epoch "
                            + session.epoch + ", got " + epoch);
                }
                advance(session, nowMs);
            }
        }
        return new Step(session, List.of(), Errors.NONE, null);
    }

    private static void advance(Session session, long nowMs) {
        session.epoch = ShareRequestMetadata.nextEpoch(session.epoch);
        session.lastUsedMs = nowMs;
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
