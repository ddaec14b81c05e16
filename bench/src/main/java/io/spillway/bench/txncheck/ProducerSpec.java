package io.spillway.bench.txncheck;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;

/**
 * Everything one producer process needs, handed from the checker to the child JVM as a properties file (the child's
 * only argument). One spec per incarnation: a restarted producer gets the same transactional.id and outcome log, a
 * new incarnation number and a first transaction number above every one it used before.
 *
 * @param bootstrap            bootstrap.servers
 * @param topic                the topic written to
 * @param partitions           its partition count; each record goes to a partition chosen by the seeded random
 * @param producer             producer index
 * @param incarnation          0 for the first process of this producer, then 1, 2, ...
 * @param firstTxn             the first transaction number this process uses
 * @param transactionalId      the producer's transactional.id (the same for every incarnation)
 * @param outcomeLog           the producer's outcome log (shared by all incarnations, appended)
 * @param seed                 seed of this incarnation's random choices (commit or abort, partitions)
 * @param recordsPerTxn        records per transaction
 * @param abortProbability     chance that a transaction is aborted instead of committed
 * @param txnTimeoutMs         transaction.timeout.ms
 * @param maxBlockMs           max.block.ms: bound of initTransactions / commitTransaction / abortTransaction / send
 * @param pauseBetweenTxnsMs   pause after each transaction (0: none), to pace the workload on small machines
 */
public record ProducerSpec(String bootstrap, String topic, int partitions, int producer, int incarnation, long firstTxn,
                           String transactionalId, Path outcomeLog, long seed, int recordsPerTxn,
                           double abortProbability, int txnTimeoutMs, int maxBlockMs, int pauseBetweenTxnsMs) {

    /** Writes the spec as a properties file. */
    public void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("bootstrap", bootstrap);
        p.setProperty("topic", topic);
        p.setProperty("partitions", Integer.toString(partitions));
        p.setProperty("producer", Integer.toString(producer));
        p.setProperty("incarnation", Integer.toString(incarnation));
        p.setProperty("firstTxn", Long.toString(firstTxn));
        p.setProperty("transactionalId", transactionalId);
        p.setProperty("outcomeLog", outcomeLog.toAbsolutePath().toString());
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("recordsPerTxn", Integer.toString(recordsPerTxn));
        p.setProperty("abortProbability", Double.toString(abortProbability));
        p.setProperty("txnTimeoutMs", Integer.toString(txnTimeoutMs));
        p.setProperty("maxBlockMs", Integer.toString(maxBlockMs));
        p.setProperty("pauseBetweenTxnsMs", Integer.toString(pauseBetweenTxnsMs));
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "txn-check producer " + producer + " incarnation " + incarnation);
        }
    }

    /** Reads a spec written by {@link #write(Path)}. */
    public static ProducerSpec read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return new ProducerSpec(req(p, "bootstrap"), req(p, "topic"), Integer.parseInt(req(p, "partitions")),
                Integer.parseInt(req(p, "producer")), Integer.parseInt(req(p, "incarnation")),
                Long.parseLong(req(p, "firstTxn")), req(p, "transactionalId"), Paths.get(req(p, "outcomeLog")),
                Long.parseLong(req(p, "seed")), Integer.parseInt(req(p, "recordsPerTxn")),
                Double.parseDouble(req(p, "abortProbability")), Integer.parseInt(req(p, "txnTimeoutMs")),
                Integer.parseInt(req(p, "maxBlockMs")), Integer.parseInt(req(p, "pauseBetweenTxnsMs")));
    }

    private static String req(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("producer spec lacks " + key);
        }
        return v;
    }
}
