package io.spillway.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A broker that is already running (e.g. Apache Kafka started by hand); the harness only connects to it. */
public final class ExternalTarget implements Target {

    private final String name;
    private final String bootstrap;

    public ExternalTarget(String name, String bootstrap) {
        this.name = name;
        this.bootstrap = bootstrap;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String bootstrap() {
        return bootstrap;
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("Broker", "external broker at " + bootstrap + " (not started by the harness; its version, durability "
                + "settings (e.g. flush/fsync policy) and data directory are whatever it was started with)");
        return m;
    }

    @Override
    public Optional<List<String>> launchCommand() {
        return Optional.empty();
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
