package io.spillway.server;

import io.spillway.protocol.ListenerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Certificate reload without a restart: every interval each TLS listener's factory is asked to reconfigure with
 * its own settings, which makes it load its key and trust stores again when their files changed (new connections
 * then use them; open ones keep theirs). A store that cannot be read keeps the old one and says so in the log.
 */
final class TlsReloads {
    private static final Logger log = LoggerFactory.getLogger(TlsReloads.class);
    /** How often key and trust store files are checked for changes (0 turns reloading off). */
    static final String CHECK_INTERVAL_MS = "spillway.ssl.reload.check.interval.ms";

    private TlsReloads() {
    }

    static void schedule(Iterable<ListenerSpec> listeners, ScheduledExecutorService scheduler, long intervalMs) {
        if (intervalMs <= 0) {
            return;
        }
        for (ListenerSpec listener : listeners) {
            if (listener.ssl() == null) {
                continue;
            }
            Map<String, Object> configs = listener.sslConfigs();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    listener.ssl().reconfigure(configs);
                } catch (RuntimeException e) {
                    log.error("Listener {} keeps its current certificates: the changed key or trust store cannot be "
                            + "used ({}). Fix the file; it is checked again in {} ms", listener.name(), e.getMessage(),
                            intervalMs);
                }
            }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
        }
    }
}
