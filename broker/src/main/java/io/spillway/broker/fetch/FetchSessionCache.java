package io.spillway.broker.fetch;

import io.spillway.common.Time;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The broker's incremental fetch sessions, bounded in number; when full, the least recently used
 * session idle longer than the eviction age makes room, else no new session is created (the
 * client then simply sends full requests, which the protocol allows). Thread safe.
 */
final class FetchSessionCache {
    private final int maxSessions;
    private final long evictAfterMs;
    private final Time time;
    private final LinkedHashMap<Integer, FetchSession> sessions = new LinkedHashMap<>(16, 0.75f, true);

    FetchSessionCache(int maxSessions, long evictAfterMs, Time time) {
        this.maxSessions = maxSessions;
        this.evictAfterMs = evictAfterMs;
        this.time = time;
    }

    /** A new session, or null if the cache is full of sessions still in use. */
    synchronized FetchSession create() {
        long nowMs = time.nowMs();
        if (sessions.size() >= maxSessions) {
            Iterator<Map.Entry<Integer, FetchSession>> eldest = sessions.entrySet().iterator();
            if (eldest.hasNext() && nowMs - eldest.next().getValue().lastUsedMs > evictAfterMs) {
                eldest.remove();
            } else {
                return null;
            }
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        FetchSession session = new FetchSession(id, nowMs);
        sessions.put(id, session);
        return session;
    }

    synchronized FetchSession get(int id) {
        FetchSession session = sessions.get(id);
        if (session != null) {
            session.lastUsedMs = time.nowMs();
        }
        return session;
    }

    synchronized void remove(int id) {
        sessions.remove(id);
    }

    synchronized int size() {
        return sessions.size();
    }
}
