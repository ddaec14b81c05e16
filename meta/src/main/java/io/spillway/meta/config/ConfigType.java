package io.spillway.meta.config;

import java.util.Arrays;
import java.util.List;

import org.apache.kafka.common.errors.InvalidConfigurationException;

/**
 * The value type of a config entry, as reported in the {@code config_type} field of a
 * DescribeConfigs response, and the rules for parsing a textual value of that type.
 *
 * <p>Parsing follows Kafka's rules: surrounding whitespace is ignored, booleans are
 * case-insensitive, numbers must fit the type, and a list is comma separated (an empty or blank
 * string is the empty list). Id 0 ({@code UNKNOWN} in Kafka) is never used by our catalogs.
 *
 * <p>Immutable and thread-safe.
 */
public enum ConfigType {
    BOOLEAN(1),
    STRING(2),
    INT(3),
    SHORT(4),
    LONG(5),
    DOUBLE(6),
    LIST(7),
    CLASS(8),
    PASSWORD(9);

    private final byte describeConfigsId;

    ConfigType(int describeConfigsId) {
        this.describeConfigsId = (byte) describeConfigsId;
    }

    /** The int8 id of this type in DescribeConfigs responses (v3+). */
    public byte describeConfigsId() {
        return describeConfigsId;
    }

    /**
     * Parses {@code value} for the config {@code configName}.
     *
     * @return a {@link Boolean}, {@link String}, {@link Integer}, {@link Short}, {@link Long},
     *     {@link Double} or unmodifiable {@code List<String>} (for {@link #LIST}); {@link #CLASS}
     *     and {@link #PASSWORD} values are returned as trimmed strings
     * @throws InvalidConfigurationException if the value is null or not of this type
     */
    public Object parse(String configName, String value) {
        if (value == null) {
            throw invalid(configName, null, "a value is required");
        }
        String trimmed = value.trim();
        switch (this) {
            case BOOLEAN:
                if (trimmed.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (trimmed.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                throw invalid(configName, value, "must be true or false");
            case INT:
                try {
                    return Integer.parseInt(trimmed);
                } catch (NumberFormatException e) {
                    throw invalid(configName, value, "must be a whole number that fits in 32 bits");
                }
            case SHORT:
                try {
                    return Short.parseShort(trimmed);
                } catch (NumberFormatException e) {
                    throw invalid(configName, value, "must be a whole number from -32768 to 32767");
                }
            case LONG:
                try {
                    return Long.parseLong(trimmed);
                } catch (NumberFormatException e) {
                    throw invalid(configName, value, "must be a whole number that fits in 64 bits");
                }
            case DOUBLE:
                try {
                    return Double.parseDouble(trimmed);
                } catch (NumberFormatException e) {
                    throw invalid(configName, value, "must be a decimal number");
                }
            case LIST:
                if (trimmed.isEmpty()) {
                    return List.of();
                }
                return List.copyOf(Arrays.asList(trimmed.split("\\s*,\\s*", -1)));
            case STRING:
            case CLASS:
            case PASSWORD:
            default:
                return trimmed;
        }
    }

    /** Builds the exception used for every bad config value, in one consistent wording. */
    static InvalidConfigurationException invalid(String configName, String value, String reason) {
        // An empty value would leave a double space where the value goes; the operator should see it was empty.
        String shown = value != null && value.isBlank() ? "'" + value + "'" : value;
        return new InvalidConfigurationException(
                "Invalid value " + shown + " for configuration " + configName + ": " + reason);
    }
}
