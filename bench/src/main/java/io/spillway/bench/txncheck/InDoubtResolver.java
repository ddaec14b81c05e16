package io.spillway.bench.txncheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Ends every transaction left open when the producers have stopped, the way a restarted application would: one
 * more initTransactions() per transactional.id, which fences the last incarnation and makes the coordinator
 * finish what it was doing (complete a commit in flight, abort an open transaction). Then waits until no partition
 * has an open transaction any more, i.e. the last stable offset equals the high watermark everywhere; a partition that
 * never gets there is a hanging transaction, itself an anomaly.
 *
 * <p>Stateless; must run after every producer process has exited (it becomes the newest incarnation).
 */
final class InDoubtResolver {

    private InDoubtResolver() {
    }

    static Resolution resolve(String bootstrap, String topic, int partitions, List<String> transactionalIds,
                              Duration maxBlock, Duration stableTimeout) {
        long startNs = System.nanoTime();
        List<String> problems = new ArrayList<>();
        for (String id : transactionalIds) {
            try (KafkaProducer<String, String> p = new KafkaProducer<>(config(bootstrap, id, maxBlock))) {
                p.initTransactions();
            } catch (RuntimeException e) {
                problems.add("initTransactions() for " + id + " failed: " + TransactionLoop.describe(e));
            }
        }
        long deadline = System.nanoTime() + stableTimeout.toNanos();
        Map<Integer, Long> hw;
        Map<Integer, Long> lso;
        while (true) {
            hw = TopicReads.endOffsets(bootstrap, topic, partitions, IsolationLevel.READ_UNCOMMITTED);
            lso = TopicReads.endOffsets(bootstrap, topic, partitions, IsolationLevel.READ_COMMITTED);
            if (hw.equals(lso) || System.nanoTime() >= deadline) {
                break;
            }
            pause();
        }
        boolean stable = hw.equals(lso);
        if (!stable) {
            problems.add("partitions still had an open transaction " + stableTimeout.toSeconds()
                    + " s after fencing: last stable offsets " + lso + " vs high watermarks " + hw);
        }
        return new Resolution((System.nanoTime() - startNs) / 1_000_000, stable, hw, lso, problems);
    }

    /** The LSO has no notification; re-check it a few times a second. */
    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Properties config(String bootstrap, String transactionalId, Duration maxBlock) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "txncheck-resolver");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) maxBlock.toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }
}
