package io.spillway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Minimal command-line parsing for the benchmark tools: {@code --name value}, {@code --name=value},
 * boolean {@code --flag}, and repeatable {@code --name k=v} options. Deliberately tiny so the bench
 * module needs no CLI library; unknown options are reported, never ignored.
 */
public final class Args {

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> flags = new ArrayList<>();

    private Args() {
    }

    /**
     * Parses {@code argv}.
     *
     * @param flagNames  options that take no value (e.g. "--help")
     * @param valueNames options that take one value (may repeat)
     * @throws IllegalArgumentException on an unknown option or a missing value
     */
    public static Args parse(String[] argv, List<String> flagNames, List<String> valueNames) {
        Args a = new Args();
        for (int i = 0; i < argv.length; i++) {
            String arg = argv[i];
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 2) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (flagNames.contains(name)) {
                if (inline != null) {
                    throw new IllegalArgumentException(name + " takes no value");
                }
                a.flags.add(name);
            } else if (valueNames.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= argv.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = argv[++i];
                }
                a.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        return a;
    }

    public boolean flag(String name) {
        return flags.contains(name);
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String get(String name, String def) {
        List<String> v = values.get(name);
        return v == null ? def : v.get(v.size() - 1);
    }

    public long getLong(String name, long def) {
        String v = get(name, null);
        return v == null ? def : parseCount(name, v);
    }

    public int getInt(String name, int def) {
        long v = getLong(name, def);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new IllegalArgumentException(name + " is out of range: " + v);
        }
        return (int) v;
    }

    public double getDouble(String name, double def) {
        String v = get(name, null);
        try {
            return v == null ? def : Double.parseDouble(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number: " + v);
        }
    }

    /** A duration given as seconds ("60") or with a unit ("90s", "2m", "500ms"); null when absent. */
    public Duration getDuration(String name) {
        String v = get(name, null);
        return v == null ? null : parseDuration(name, v);
    }

    /** All values of a repeatable {@code k=v} option, in order (later keys win). */
    public Map<String, String> getMap(String name) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : values.getOrDefault(name, List.of())) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(name + " needs key=value, got: " + kv);
            }
            out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return out;
    }

    /** All values of a repeatable option, in order. */
    List<String> getAll(String name) {
        return List.copyOf(values.getOrDefault(name, List.of()));
    }

    /** "1000000", "1_000_000", "1m" (million), "500k". */
    public static long parseCount(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT).replace("_", "");
        long mult = 1;
        if (s.endsWith("k")) {
            mult = 1_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            mult = 1_000_000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("g")) {
            mult = 1_000_000_000;
            s = s.substring(0, s.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(s), mult);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " needs a whole number: " + v);
        }
    }

    public static Duration parseDuration(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            } else if (s.endsWith("m")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60_000));
            }
            return Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a duration such as 60, 60s, 2m or 500ms: " + v);
        }
    }
}
