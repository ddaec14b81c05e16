package io.spillway.bench.txncheck;

import io.spillway.bench.Args;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a checker run (the workload, the faults, the bounds), from the command line or a test.
 *
 * @param seed               decides the fault plan and every producer's choices; printed so a run can be repeated
 * @param duration           how long the workload and the faults run (the checks come after)
 * @param producers          transactional producers, each its own process and transactional.id
 * @param partitions         partitions of the topic
 * @param recordsPerTxn      records per transaction, each to a partition chosen at random
 * @param abortProbability   chance that a producer aborts a transaction instead of committing it
 * @param txnTimeout         the producers' transaction.timeout.ms
 * @param maxBlock           the producers' max.block.ms (bounds initTransactions/commit/abort/send)
 * @param rates              fault rates
 * @param pauseBetweenTxnsMs pause of each producer after a transaction (0: as fast as it can)
 * @param initTimeout        how long the first initTransactions() of every producer may take before the run is
 *                           declared a setup failure (e.g. a broker without transactions)
 * @param tail               whether a read_committed consumer tails the topic during the run
 * @param topic              topic name
 * @param kafkaSettings      extra server.properties entries for Apache Kafka
 * @param spillwaySettings   extra broker settings ({@code --set}) for Spillway
 */
public record TxnCheckSettings(long seed, Duration duration, int producers, int partitions, int recordsPerTxn,
                               double abortProbability, Duration txnTimeout, Duration maxBlock, FaultPlan.Rates rates,
                               int pauseBetweenTxnsMs, Duration initTimeout, boolean tail, String topic,
                               Map<String, String> kafkaSettings, Map<String, String> spillwaySettings) {

    public TxnCheckSettings {
        kafkaSettings = Map.copyOf(kafkaSettings);
        spillwaySettings = Map.copyOf(spillwaySettings);
    }

    /** The options {@link #fromArgs} reads (each takes a value), for the command's parser. */
    public static final List<String> OPTIONS = List.of("--seed", "--duration", "--producers", "--partitions",
            "--records-per-txn", "--abort-rate", "--txn-timeout", "--max-block", "--producer-kills", "--producer-crashes",
            "--broker-kills", "--pause-ms", "--init-timeout", "--kafka-set", "--spillway-set");
    /** The flags {@link #fromArgs} reads. */
    public static final List<String> FLAGS = List.of("--no-tail");

    static final String USAGE_OPTIONS = """
              --seed N                  seed of the fault plan and the producers' choices (default: random, printed)
              --duration D              how long the workload and the faults run (default 60s)
              --producers N             transactional producers, one process each (default 3)
              --partitions N            partitions of the topic (default 4)
              --records-per-txn N       records per transaction, spread over the partitions at random (default 5)
              --abort-rate P            chance that a transaction is aborted instead of committed (default 0.2)
              --txn-timeout D           the producers' transaction.timeout.ms (default 10s)
              --max-block D             the producers' max.block.ms (default 30s)
              --producer-kills R        kill -9 of a random producer, per minute (default 6)
              --producer-crashes R      producer halts with a transaction open (records sent, never committed),
                                        per minute (default 4); one in three stays down past the transaction timeout
              --broker-kills R          kill -9 of the broker and restart on the same data dir and port, per minute
                                        (default 2)
              --pause-ms N              pause of each producer between transactions (default 0)
              --init-timeout D          bound of the producers' first initTransactions() (default 30s)
              --no-tail                 no read_committed consumer tailing the topic during the run
              --kafka-set K=V           extra server.properties entry for Apache Kafka (repeatable)
              --spillway-set K=V        extra broker setting for Spillway (repeatable)
            """;

    /** Reads the settings from parsed arguments; unset ones get the defaults above. */
    public static TxnCheckSettings fromArgs(Args a) {
        long seed = a.has("--seed") ? Long.parseLong(a.get("--seed", "0").trim()) : randomSeed();
        TxnCheckSettings s = new TxnCheckSettings(seed,
                duration(a, "--duration", Duration.ofSeconds(60)),
                a.getInt("--producers", 3), a.getInt("--partitions", 4), a.getInt("--records-per-txn", 5),
                a.getDouble("--abort-rate", 0.2),
                duration(a, "--txn-timeout", Duration.ofSeconds(10)),
                duration(a, "--max-block", Duration.ofSeconds(30)),
                new FaultPlan.Rates(a.getDouble("--producer-kills", 6), a.getDouble("--producer-crashes", 4),
                        a.getDouble("--broker-kills", 2)),
                a.getInt("--pause-ms", 0), duration(a, "--init-timeout", Duration.ofSeconds(30)),
                !a.flag("--no-tail"), "txncheck", a.getMap("--kafka-set"), a.getMap("--spillway-set"));
        s.validate();
        return s;
    }

    private static long randomSeed() {
        return Math.abs(Seeds.mix(System.nanoTime(), ProcessHandle.current().pid())) % 1_000_000_000L;
    }

    private static Duration duration(Args a, String name, Duration def) {
        Duration d = a.getDuration(name);
        return d == null ? def : d;
    }

    void validate() {
        require(producers >= 1 && producers <= 50, "--producers must be between 1 and 50");
        require(partitions >= 1 && partitions <= 1000, "--partitions must be between 1 and 1000");
        require(recordsPerTxn >= 1 && recordsPerTxn <= 1000, "--records-per-txn must be between 1 and 1000");
        require(abortProbability >= 0 && abortProbability <= 1, "--abort-rate must be between 0 and 1");
        require(!duration.isNegative() && !duration.isZero(), "--duration must be positive");
        require(txnTimeout.toMillis() >= 1000, "--txn-timeout must be at least 1s");
        require(maxBlock.toMillis() >= 1000, "--max-block must be at least 1s");
        require(rates.producerKillsPerMin() >= 0 && rates.producerCrashesPerMin() >= 0 && rates.brokerKillsPerMin() >= 0,
                "fault rates must not be negative");
        require(pauseBetweenTxnsMs >= 0, "--pause-ms must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** One line for logs and reports. */
    public String summary() {
        return String.format(Locale.ROOT, "seed %d, %d s, %d producers, %d partitions, %d records/txn, abort %.0f%%, "
                        + "txn timeout %d s; faults per minute: %.1f producer kills, %.1f producer crashes mid-txn, "
                        + "%.1f broker kills", seed, duration.toSeconds(), producers, partitions, recordsPerTxn,
                abortProbability * 100, txnTimeout.toSeconds(), rates.producerKillsPerMin(),
                rates.producerCrashesPerMin(), rates.brokerKillsPerMin());
    }
}
