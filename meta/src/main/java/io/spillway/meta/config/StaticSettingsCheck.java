package io.spillway.meta.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * The start-up check of every setting a broker is given (flags, properties file): each known setting must parse as
 * its type and satisfy its rule, so {@code spillway.fsync=maybe} or {@code num.partitions=abc} stop the start
 * instead of misbehaving later. Unknown names are never passed over in silence:
 * <ul>
 *   <li>an unknown {@code spillway.*} name stops the start: it can only be a typo of one of Spillway's own settings,
 *       and a typo there (say, of {@code spillway.fsync}) must not go unnoticed;</li>
 *   <li>an unknown Kafka-style name is a warning naming the nearest known setting, as Kafka itself warns: files
 *       carried over from Kafka hold settings of plugins and tools the broker never reads;</li>
 *   <li>Kafka settings that mean nothing to a single node ({@link KafkaSettingsWithoutEffect}) are listed once.</li>
 * </ul>
 * Per-listener settings ({@code listener.name.<name>.<setting>}, also with a SASL mechanism after the listener
 * name) are checked as the setting they override.
 */
public final class StaticSettingsCheck {
    private static final String LISTENER_PREFIX = "listener.name.";
    /** A stream's own settings ({@code spillway.stream.max.topics}, ...), set on the stream, never on the broker. */
    private static final String STREAM_PREFIX = "spillway.stream.";
    private static final List<String> MECHANISM_PREFIXES = List.of("oauthbearer.", "scram-sha-256.", "scram-sha-512.",
            "plain.");

    /**
     * What the check found that does not stop the start.
     *
     * @param warnings one operator line each, e.g. an unknown setting and the nearest known one
     * @param withoutEffect Kafka settings given that Spillway does not use, each as {@code name (why)}
     */
    public record Result(List<String> warnings, List<String> withoutEffect) {
    }

    private StaticSettingsCheck() {
    }

    /**
     * Checks {@code settings} (name to value, as given).
     *
     * @throws InvalidConfigurationException with one line naming every setting that stops the start: the setting,
     *     its value (unless secret) and what is allowed
     */
    public static Result check(Map<String, String> settings) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<String> withoutEffect = new ArrayList<>();
        for (Map.Entry<String, String> setting : new TreeMap<>(settings).entrySet()) {
            String name = setting.getKey();
            String value = setting.getValue();
            if (name.isBlank()) {
                errors.add("A setting without a name (value " + value + "): write name=value");
                continue;
            }
            String definedAs = listenerSettingBase(name);
            var key = BrokerConfigCatalog.find(definedAs);
            if (key.isPresent()) {
                try {
                    key.get().key().validate(value);
                    if (BrokerConfigCatalog.ONE_COPY_SETTINGS.contains(name) && !"1".equals(value.trim())) {
                        withoutEffect.add(name + "=" + value.trim() + " (a single node keeps one copy: 1 is in force)");
                    }
                } catch (InvalidConfigurationException e) {
                    errors.add(definedAs.equals(name) ? e.getMessage() : e.getMessage().replace(
                            "configuration " + definedAs, "configuration " + name));
                }
                continue;
            }
            var reason = KafkaSettingsWithoutEffect.reason(definedAs);
            if (reason.isPresent()) {
                withoutEffect.add(name + " (" + reason.get() + ")");
                continue;
            }
            String nearest = nearest(definedAs);
            String hint = nearest == null ? "" : " (did you mean " + nearest + "?)";
            if (name.startsWith(STREAM_PREFIX)) {
                errors.add("Setting " + name + " belongs to a stream, not the broker: set it on the stream, e.g. "
                        + "kafka-configs.sh --alter --entity-type topics --entity-name /path/stream --add-config " + name
                        + "=... (docs/streams.md)");
            } else if (BrokerConfigCatalog.isSpillwaySetting(name)) {
                errors.add(unknownSpillwaySetting(name) + ": Spillway's own settings are listed by "
                        + "'spillway serve --help' and in docs/configuration.md");
            } else if (TopicConfigCatalog.find(name).isPresent()) {
                List<String> broker = ConfigSynonyms.brokerSynonyms(name);
                warnings.add("Setting " + name + " is ignored: it is a topic config, set per topic with the admin API"
                        + (broker.isEmpty() ? "" : "; the broker-wide default is " + broker.get(0)));
            } else {
                warnings.add("Unknown setting " + name + " is ignored" + hint
                        + "; the settings Spillway reads are listed in docs/configuration.md");
            }
        }
        String nodeId = settings.get("node.id");
        String brokerId = settings.get("broker.id");
        if (nodeId != null && brokerId != null && errors.isEmpty() && !nodeId.trim().equals(brokerId.trim())) {
            errors.add("broker.id " + brokerId.trim() + " differs from node.id " + nodeId.trim()
                    + ": they name the same node; drop broker.id or make them equal");
        }
        String dirs = settings.get("log.dirs");
        if (dirs != null && dirs.contains(",")) {
            errors.add("Invalid value " + dirs + " for configuration log.dirs: Spillway keeps one data directory, "
                    + "so give one path");
        }
        if (!errors.isEmpty()) {
            throw new InvalidConfigurationException(String.join("; ", errors));
        }
        return new Result(List.copyOf(warnings), List.copyOf(withoutEffect));
    }

    /**
     * "Unknown setting NAME (did you mean NEAREST?)" for a name of Spillway's own that the catalog does not have: all
     * of them are known, so such a name is a typo, refused at start and in a dynamic change alike.
     */
    public static String unknownSpillwaySetting(String name) {
        String nearest = nearest(name);
        return "Unknown setting " + name + (nearest == null ? "" : " (did you mean " + nearest + "?)");
    }

    /** The catalog name a per-listener setting overrides ({@code listener.name.x.ssl.keystore.location} to
     * {@code ssl.keystore.location}); other names unchanged. */
    static String listenerSettingBase(String name) {
        if (!name.startsWith(LISTENER_PREFIX)) {
            return name;
        }
        int dot = name.indexOf('.', LISTENER_PREFIX.length());
        if (dot < 0) {
            return name;
        }
        String rest = name.substring(dot + 1);
        for (String mechanism : MECHANISM_PREFIXES) {
            if (rest.toLowerCase(Locale.ROOT).startsWith(mechanism)) {
                return rest.substring(mechanism.length());
            }
        }
        return rest;
    }

    /** The known broker setting closest to {@code name} by edit distance, if one is close enough to be a typo; else null. */
    public static String nearest(String name) {
        List<String> candidates = new ArrayList<>();
        BrokerConfigCatalog.all().forEach(k -> candidates.add(k.name()));
        candidates.addAll(KafkaSettingsWithoutEffect.names().keySet());
        return nearest(name, candidates);
    }

    /** The candidate closest to {@code name} by edit distance, if one is close enough to be a typo; else null. */
    public static String nearest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            // names are case-sensitive, but a name in the wrong case is a typo like any other
            int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
    }

    /** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
