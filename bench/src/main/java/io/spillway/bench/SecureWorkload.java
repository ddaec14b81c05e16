package io.spillway.bench;

import io.spillway.testkit.Ports;
import io.spillway.testkit.TempDirs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Workload "secure": what TLS and SASL cost. Each broker gets a PLAINTEXT and a SASL_SSL listener (TLS with a
 * self-signed certificate made by the JDK's keytool, SASL PLAIN, the same settings for Spillway and Kafka), then one
 * producer (1 KiB records, acks=all, idempotent, no compression) runs over each listener and the records are read
 * back over the same listener. Rows: produce and consume throughput over SASL_SSL, and the same over PLAINTEXT on
 * the same broker, so each broker's own cost of security is visible next to the comparison with the other.
 */
final class SecureWorkload {
    static final String USER = "bench";
    static final String PASSWORD = "bench-secret";
    private static final String STORE_PASSWORD = "bench-store";

    private final WorkloadHarness harness;
    private final ComparisonTable table;
    private final Path repoRoot;
    private final String heap;
    private final Path logDir;
    private final Duration warmup;
    private final Duration duration;
    private Path keys;

    SecureWorkload(WorkloadHarness harness, ComparisonTable table, Path repoRoot, String heap, Path logDir, Duration warmup,
                   Duration duration) {
        this.harness = harness;
        this.table = table;
        this.repoRoot = repoRoot;
        this.heap = heap;
        this.logDir = logDir;
        this.warmup = warmup;
        this.duration = duration;
    }

    static ComparisonTable.Metric metric(String listener, String what) {
        return new ComparisonTable.Metric("1 producer, then 1 consumer, over " + listener, what, "MiB/s", true, 1);
    }

    static String method(Duration warmup, Duration duration) {
        return "Security: each broker with a PLAINTEXT and a SASL_SSL listener (TLS with a self-signed key, SASL PLAIN; "
                + "Kafka configured with the same key store and a PLAIN user list); 1 producer of 1 KiB records (acks=all, "
                + "idempotent, no compression) for " + duration.toSeconds() + " s after " + warmup.toSeconds()
                + " s of warm-up over each listener, then everything read back over the same listener";
    }

    void round(Contender c) {
        if (c == Contender.KAFKA_FSYNC) {
            return;
        }
        try {
            if (keys == null) {
                keys = makeKeys();
            }
        } catch (Exception e) {
            harness.failed("secure: key store", c, e);
            return;
        }
        int plainPort = Ports.freePort();
        int securePort = Ports.freePort();
        while (securePort == plainPort) {
            securePort = Ports.freePort();
        }
        PageCache.dropAll();
        try (Target t = start(c, plainPort, securePort)) {
            measure(c, "PLAINTEXT", t.bootstrap(), Map.of()); // the first listener, whose port the target chose
            measure(c, "SASL_SSL", "127.0.0.1:" + securePort, clientSecurity());
        } catch (Exception e) {
            harness.failed("secure", c, e);
        }
    }

    private void measure(Contender c, String listener, String bootstrap, Map<String, String> security) throws Exception {
        String topic = "secure-" + listener.toLowerCase(Locale.ROOT);
        ProducePerf.Result produced = ProducePerf.run(bootstrap, new ProducePerf.Config().topic(topic).partitions(8)
                .recordSize(1024).duration(duration).warmup(warmup).producers(1).acks("all").idempotence(true)
                .compression("none").producerProps(security));
        if (produced.errors() > 0) {
            throw new IllegalStateException(produced.errors() + " sends failed over " + listener + ": "
                    + produced.firstError());
        }
        ConsumePerf.Result consumed = ConsumePerf.run(bootstrap, new ConsumePerf.Config().topic(topic)
                .consumerProps(security));
        table.add(metric(listener, "produced"), c, produced.mibPerSec());
        table.add(metric(listener, "consumed"), c, consumed.mibPerSec());
        harness.out().printf(Locale.ROOT, "  over %s: produced %.1f MiB/s, consumed %.1f MiB/s%n", listener,
                produced.mibPerSec(), consumed.mibPerSec());
    }

    private Target start(Contender c, int plainPort, int securePort) {
        String store = keys.resolve("broker.p12").toString();
        if (c == Contender.SPILLWAY) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("listeners", "PLAINTEXT://127.0.0.1:" + plainPort + ",SASL_SSL://127.0.0.1:" + securePort);
            settings.put("ssl.keystore.location", store);
            settings.put("ssl.keystore.password", STORE_PASSWORD);
            settings.put("ssl.keystore.type", "PKCS12");
            // both brokers check at startup that a client with their own settings would trust them
            settings.put("ssl.truststore.location", keys.resolve("trust.p12").toString());
            settings.put("ssl.truststore.password", STORE_PASSWORD);
            settings.put("sasl.enabled.mechanisms", "PLAIN");
            settings.put("spillway.sasl.bootstrap.users", USER + ":" + PASSWORD);
            return SpillwayTarget.start(new SpillwayTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir)
                    .settings(settings));
        }
        return KafkaTarget.start(new KafkaTarget.Options().repoRoot(repoRoot).heap(heap).logDir(logDir).label(c.key())
                .extraListener("SASL_SSL", "SASL_SSL", securePort)
                .setting("ssl.keystore.location", store)
                .setting("ssl.keystore.password", STORE_PASSWORD)
                .setting("ssl.keystore.type", "PKCS12")
                .setting("ssl.truststore.location", keys.resolve("trust.p12").toString())
                .setting("ssl.truststore.password", STORE_PASSWORD)
                .setting("sasl.enabled.mechanisms", "PLAIN")
                .setting("listener.name.sasl_ssl.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                                + "\" password=\"" + PASSWORD + "\" user_" + USER + "=\"" + PASSWORD + "\";"));
    }

    private Map<String, String> clientSecurity() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("security.protocol", "SASL_SSL");
        m.put("sasl.mechanism", "PLAIN");
        m.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + PASSWORD + "\";");
        m.put("ssl.truststore.location", keys.resolve("trust.p12").toString());
        m.put("ssl.truststore.password", STORE_PASSWORD);
        m.put("ssl.truststore.type", "PKCS12");
        return m;
    }

    /** A self-signed key for 127.0.0.1 and a trust store holding its certificate, made with the JDK's keytool. */
    private static Path makeKeys() throws IOException, InterruptedException {
        Path dir = TempDirs.create("spillway-bench-keys");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", dir.resolve("broker.p12").toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", dir.resolve("broker.p12").toString(),
                "-storepass", STORE_PASSWORD, "-file", dir.resolve("broker.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.pem").toString(),
                "-keystore", dir.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        return dir;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
