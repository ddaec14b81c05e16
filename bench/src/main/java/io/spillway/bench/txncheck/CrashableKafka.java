package io.spillway.bench.txncheck;

import io.spillway.bench.KafkaTarget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Apache Kafka as the reference: a single KRaft node ({@link KafkaTarget}) with Kafka's defaults, except
 * {@code transaction.state.log.num.partitions=4} (default 50): fewer coordinator partitions to create and to load
 * after each restart, which changes nothing about how a transaction is handled. {@code --kafka-set} adds or
 * overrides entries.
 *
 * <p>Durability is Kafka's default (no fsync before the acknowledgement); a SIGKILL of the process loses nothing the
 * OS already holds, so that does not matter for these faults.
 *
 * <p>Not thread safe (see {@link CrashableBroker}).
 */
final class CrashableKafka implements CrashableBroker {

    private final KafkaTarget kafka;
    private int restarts;

    private CrashableKafka(KafkaTarget kafka) {
        this.kafka = kafka;
    }

    /** Starts a fresh broker with its configuration, data and log in {@code runDir}. */
    static CrashableKafka start(Path repoRoot, Path runDir, Map<String, String> extraSettings) {
        KafkaTarget.Options o = new KafkaTarget.Options().repoRoot(repoRoot).heap("1g")
                .logDir(runDir).home(runDir.resolve("kafka-home")).label("txncheck-kafka")
                .setting("transaction.state.log.num.partitions", "4");
        extraSettings.forEach(o::setting);
        return new CrashableKafka(KafkaTarget.start(o));
    }

    @Override
    public String title() {
        String broker = kafka.describe().getOrDefault("Broker", "Apache Kafka");
        int comma = broker.indexOf(" (");
        return comma > 0 ? broker.substring(0, comma) : broker;
    }

    @Override
    public String bootstrap() {
        return kafka.bootstrap();
    }

    @Override
    public void kill9() {
        kafka.kill9();
    }

    @Override
    public void restart() {
        kafka.restart();
        restarts++;
    }

    @Override
    public Path dataDir() {
        return kafka.dataDir();
    }

    @Override
    public Path logFile() {
        return kafka.logFile();
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>(kafka.describe());
        m.put("Restarts", restarts + " (same data directory and ports, log appended to the same file)");
        return m;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
