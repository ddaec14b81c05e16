package io.spillway.coordinator.group.consumer;

import io.spillway.coordinator.group.TopicCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What a consumer group's subscriptions cover: its topic regexes resolved against the topic catalog
 * ({@link java.util.regex.Pattern}, full matches; Kafka uses RE2/J), and a hash of the subscribed
 * topics' metadata whose change bumps the group epoch. Stateless; the caller holds the group's monitor.
 */
final class TopicRegexes {
    private static final Logger log = LoggerFactory.getLogger(TopicRegexes.class);
    /** Kafka resolves a group's regexes at most this often (it looks again when topics were created). */
    static final long REFRESH_MIN_INTERVAL_MS = 10_000;

    private TopicRegexes() {
    }

    /**
     * Resolves the group's regexes if one is new or the last resolution is at least
     * {@value #REFRESH_MIN_INTERVAL_MS} ms old; forgets regexes nobody subscribes to any more.
     *
     * @return whether any regex now matches different topics
     */
    static boolean refresh(ConsumerGroup group, TopicCatalog catalog, long nowMs) {
        Set<String> regexes = new TreeSet<>();
        group.members.values().forEach(m -> {
            if (m.subscription().hasRegex()) {
                regexes.add(m.subscription().topicRegex());
            }
        });
        boolean changed = group.resolvedRegexes.keySet().retainAll(regexes);
        boolean missing = !group.resolvedRegexes.keySet().containsAll(regexes);
        if (regexes.isEmpty() || (!missing && nowMs - group.regexesResolvedAtMs < REFRESH_MIN_INTERVAL_MS)) {
            return changed;
        }
        Map<String, Pattern> patterns = new HashMap<>();
        Map<String, Set<String>> resolved = new HashMap<>();
        for (String regex : regexes) {
            resolved.put(regex, new TreeSet<>());
            try {
                patterns.put(regex, Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                log.warn("Group {}: ignoring invalid topic regex '{}': {}", group.groupId(), regex, e.getDescription());
            }
        }
        for (String topic : catalog.names()) {
            patterns.forEach((regex, pattern) -> {
                if (pattern.matcher(topic).matches()) {
                    resolved.get(regex).add(topic);
                }
            });
        }
        group.regexesResolvedAtMs = nowMs;
        if (!resolved.equals(group.resolvedRegexes)) {
            group.resolvedRegexes.clear();
            group.resolvedRegexes.putAll(resolved);
            return true;
        }
        return changed;
    }

    /** A hash of the named topics that exist: names, ids and partition counts. Stable across restarts. */
    static long metadataHash(Set<String> topics, TopicCatalog catalog) {
        long hash = 0x5bd1e995L;
        for (String name : new TreeSet<>(topics)) {
            TopicCatalog.TopicInfo topic = catalog.byName(name);
            if (topic == null) {
                continue;
            }
            hash = mix(hash, name.hashCode());
            hash = mix(hash, topic.id().getMostSignificantBits());
            hash = mix(hash, topic.id().getLeastSignificantBits());
            hash = mix(hash, topic.partitionCount());
        }
        return hash;
    }

    private static long mix(long hash, long value) {
        long h = (hash ^ value) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 31);
    }
}
