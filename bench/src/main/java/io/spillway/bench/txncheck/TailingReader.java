package io.spillway.bench.txncheck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A read_committed consumer that follows the topic from the beginning while the workload and the faults run (across
 * broker restarts), so that what became visible while transactions were in flight is checked too, not only the
 * final state. After the run, {@link #finish} lets it read on up to the final end offsets and returns what it saw.
 *
 * <p>Thread safe: one private thread owns the consumer; {@link #finish} and {@link #close} may be called from
 * another thread (they hand over through volatile fields, a latch and {@link KafkaConsumer#wakeup()}).
 */
final class TailingReader implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;
    private final List<TopicPartition> partitions;
    private final TopicReads.Collector collector = new TopicReads.Collector();
    private final List<String> problems = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread thread;
    private volatile Map<Integer, Long> target;
    private volatile boolean closing;
    private volatile boolean reachedTarget;

    private TailingReader(String bootstrap, String topic, int partitionCount) {
        this.consumer = TopicReads.consumer(bootstrap, IsolationLevel.READ_COMMITTED, "txncheck-tail");
        this.partitions = TopicReads.partitions(topic, partitionCount);
        this.thread = new Thread(this::loop, "txncheck-tail");
        this.thread.setDaemon(true);
    }

    static TailingReader start(String bootstrap, String topic, int partitions) {
        TailingReader r = new TailingReader(bootstrap, topic, partitions);
        r.thread.start();
        return r;
    }

    private void loop() {
        try {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!closing) {
                try {
                    collector.add(consumer.poll(Duration.ofMillis(200)));
                    Map<Integer, Long> t = target;
                    if (t != null && collector.reached(consumer, t)) {
                        reachedTarget = true;
                        return;
                    }
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    if (problems.size() < 20) {
                        problems.add(TransactionLoop.describe(e));
                    }
                }
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            done.countDown();
        }
    }

    /**
     * Lets the reader go on until it has reached {@code endOffsets} on every partition (or {@code timeout} passes),
     * stops it, and returns what it saw.
     */
    ReadResult finish(Map<Integer, Long> endOffsets, Duration timeout) {
        target = Map.copyOf(endOffsets);
        if (!awaitDone(timeout) && !stop()) {
            return new ReadResult("read_committed (tailing during the run)", List.of(), 0, endOffsets, false,
                    List.of("the tailing reader did not stop; its records are not checked"));
        }
        List<String> p = new ArrayList<>(problems); // safe: the reader thread has ended (latch)
        if (!reachedTarget) {
            p.add("did not reach the end offsets " + endOffsets + " within " + timeout);
        }
        return collector.result("read_committed (tailing during the run)", endOffsets, reachedTarget, p);
    }

    private boolean awaitDone(Duration timeout) {
        try {
            return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the reader; true once its thread has ended (bounded wait). */
    private boolean stop() {
        closing = true;
        consumer.wakeup();
        return awaitDone(Duration.ofSeconds(15));
    }

    /** Stops the reader (bounded wait). Never throws. */
    @Override
    public void close() {
        stop();
    }
}
