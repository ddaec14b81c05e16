package io.spillway.broker;

import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.GroupConfigCatalog;
import io.spillway.meta.config.TopicConfigCatalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Configs as a log line for operators shows them: names with their values, except sensitive ones (passwords,
 * JAAS configs, anything the catalog marks sensitive), which are named without their value. Stateless.
 */
public final class ConfigsInLog {
    /** Topic configs (also stream settings): sensitive when the catalog says so, or the name says it. */
    public static final Predicate<String> TOPIC = name ->
            TopicConfigCatalog.find(name).map(ConfigKey::sensitive).orElse(false) || namedSecret(name);
    /** Group configs. */
    public static final Predicate<String> GROUP = name ->
            GroupConfigCatalog.find(name).map(ConfigKey::sensitive).orElse(false) || namedSecret(name);
    /**
     * Broker configs; a name the catalog does not know may be anyone's custom secret, so (as DescribeConfigs shows
     * it) its value is hidden too.
     */
    public static final Predicate<String> BROKER = name ->
            BrokerConfigCatalog.find(name).map(k -> k.key().sensitive()).orElse(true) || namedSecret(name);

    private ConfigsInLog() {
    }

    /** Whether the name alone says the value is a secret (for configs no catalog knows, and belt and braces). */
    static boolean namedSecret(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.endsWith("jaas.config")
                || lower.contains("credential");
    }

    /** "a=1, b=2, ssl.key.password" (sorted by name), or "none". */
    public static String settings(Map<String, String> configs, Predicate<String> sensitive) {
        if (configs.isEmpty()) {
            return "none";
        }
        List<String> shown = new ArrayList<>();
        for (String name : new TreeSet<>(configs.keySet())) {
            shown.add(entry(name, configs.get(name), sensitive));
        }
        return String.join(", ", shown);
    }

    /**
     * What changed from {@code before} to {@code after}: "set a=1, b=2; deleted c", either part left out when
     * empty; null when nothing changed.
     */
    public static String change(Map<String, String> before, Map<String, String> after, Predicate<String> sensitive) {
        List<String> set = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(before.keySet());
        names.addAll(after.keySet());
        for (String name : names) {
            if (!after.containsKey(name)) {
                deleted.add(name);
            } else if (!before.containsKey(name) || !Objects.equals(before.get(name), after.get(name))) {
                set.add(entry(name, after.get(name), sensitive));
            }
        }
        if (set.isEmpty() && deleted.isEmpty()) {
            return null;
        }
        String setPart = set.isEmpty() ? "" : "set " + String.join(", ", set);
        String deletedPart = deleted.isEmpty() ? "" : "deleted " + String.join(", ", deleted);
        return setPart.isEmpty() ? deletedPart : deletedPart.isEmpty() ? setPart : setPart + "; " + deletedPart;
    }

    private static String entry(String name, String value, Predicate<String> sensitive) {
        // the value as it takes effect: surrounding whitespace is ignored when configs are read
        return sensitive.test(name) ? name + " (sensitive, value not logged)"
                : name + "=" + (value == null ? null : value.trim());
    }
}
