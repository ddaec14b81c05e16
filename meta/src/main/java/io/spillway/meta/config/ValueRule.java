package io.spillway.meta.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A constraint on an already parsed config value (a range, an enumeration, a list format).
 * {@link #violation(Object)} answers with an operator-facing reason, or {@code null} when the
 * value is acceptable. The factories mirror the value checks Kafka applies to the same configs.
 *
 * <p>Immutable and thread-safe.
 */
public final class ValueRule {
    private static final String BY_DURATION = "by_duration:";
    private static final Pattern REPLICA = Pattern.compile("[0-9]+:[0-9]+");
    private static final ValueRule NONE = new ValueRule("any value", v -> null);

    private final String description;
    private final Function<Object, String> check;

    private ValueRule(String description, Function<Object, String> check) {
        this.description = description;
        this.check = check;
    }

    /** Accepts every value of the right type. */
    public static ValueRule none() {
        return NONE;
    }

    /** A whole number that is at least {@code min}. */
    public static ValueRule atLeast(long min) {
        return new ValueRule("[" + min + ",...]",
                v -> ((Number) v).longValue() < min ? "must be at least " + min : null);
    }

    /** A whole number in {@code [min, max]}. */
    public static ValueRule between(long min, long max) {
        return new ValueRule("[" + min + ",...," + max + "]", v -> {
            long n = ((Number) v).longValue();
            return n < min || n > max ? "must be between " + min + " and " + max : null;
        });
    }

    /** A whole number in {@code [min, max]}, or exactly {@code special}. */
    public static ValueRule betweenOr(long min, long max, long special) {
        return new ValueRule("[" + min + ",...," + max + "] or " + special, v -> {
            long n = ((Number) v).longValue();
            return n != special && (n < min || n > max)
                    ? "must be between " + min + " and " + max + ", or " + special : null;
        });
    }

    /** A decimal number in {@code [min, max]}; NaN is rejected. */
    public static ValueRule betweenDecimal(double min, double max) {
        return new ValueRule("[" + min + ",...," + max + "]", v -> {
            double d = ((Number) v).doubleValue();
            return d >= min && d <= max ? null : "must be between " + min + " and " + max;
        });
    }

    /** A string equal (case-sensitively) to one of {@code allowed}. */
    public static ValueRule oneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return new ValueRule(options.toString(), v -> options.contains(v)
                ? null : "must be one of " + String.join(", ", options) + " (case-sensitive)");
    }

    /** A list whose every element is (case-sensitively) one of {@code allowed}; may be empty. */
    public static ValueRule eachOneOf(String... allowed) {
        List<String> options = List.of(allowed);
        return new ValueRule("list of " + options, v -> {
            for (Object element : (List<?>) v) {
                if (!options.contains(element)) {
                    return "must be a comma-separated list of " + String.join(", ", options)
                            + " (case-sensitive, no empty entries)";
                }
            }
            return null;
        });
    }

    /** An address as {@code host:port}, the host possibly empty (all interfaces) and the port 0-65535. */
    public static ValueRule hostAndPort() {
        return new ValueRule("host:port", v -> {
            String s = (String) v;
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                return "must be host:port, e.g. 127.0.0.1:8080";
            }
            try {
                int port = Integer.parseInt(s.substring(colon + 1));
                return port < 0 || port > 65535 ? "the port must be between 0 and 65535" : null;
            } catch (NumberFormatException e) {
                return "must be host:port with a numeric port, e.g. 127.0.0.1:8080";
            }
        });
    }

    /**
     * A share group's {@code share.auto.offset.reset}: {@code earliest}, {@code latest} or
     * {@code by_duration:<ISO-8601 duration>} with a duration that is not negative (all case-sensitive).
     */
    public static ValueRule autoOffsetResetStrategy() {
        return new ValueRule("[latest, earliest, by_duration:PnDTnHnMn.nS]", v -> {
            String s = (String) v;
            if (s.equals("earliest") || s.equals("latest")) {
                return null;
            }
            if (s.startsWith(BY_DURATION)) {
                try {
                    if (!Duration.parse(s.substring(BY_DURATION.length())).isNegative()) {
                        return null;
                    }
                } catch (DateTimeParseException e) {
                    // reported below
                }
            }
            return "The value must be either 'earliest', 'latest' or of the format 'by_duration:<PnDTnHnMn.nS>'"
                    + " (a duration that is not negative)";
        });
    }

    /**
     * A replication throttle list: the single entry {@code *}, or entries
     * {@code partitionId:brokerId} (empty entries are tolerated, as Kafka does).
     */
    public static ValueRule throttledReplicas() {
        return new ValueRule("* or [partitionId]:[brokerId],...", v -> {
            List<?> list = (List<?>) v;
            if (list.size() == 1 && "*".equals(list.get(0))) {
                return null;
            }
            for (Object element : list) {
                String s = (String) element;
                if (!s.isEmpty() && !REPLICA.matcher(s).matches()) {
                    return "must be * or a comma-separated list of partitionId:brokerId pairs";
                }
            }
            return null;
        });
    }

    /**
     * Checks a value produced by {@link ConfigType#parse}.
     *
     * @return why the value is not acceptable, or {@code null} if it is
     */
    public String violation(Object parsedValue) {
        return check.apply(Objects.requireNonNull(parsedValue, "parsedValue"));
    }

    @Override
    public String toString() {
        return description;
    }
}
