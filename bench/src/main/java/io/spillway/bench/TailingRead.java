package io.spillway.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Tailing read: a consumer follows the end of the log while one producer writes at full speed (the throughput
 * workload's settings). Reports what the consumer read during the producer's measured window, how long after
 * the producer's last acknowledgement the consumer had everything, and the broker's CPU over the window per MiB
 * read (which includes taking in the same bytes from the producer: the broker does both in that window).
 */
final class TailingRead {

    /** @param brokerCpuMsPerMib broker CPU (user + sys) over the window per MiB read in it, -1 when unknown */
    record Result(ProducePerf.Result produced, long bytesInWindow, double windowSeconds, double catchUpMillis,
                  long totalConsumed, double brokerCpuMsPerMib) {
        double mibPerSec() {
            return windowSeconds <= 0 ? 0 : bytesInWindow / 1048576.0 / windowSeconds;
        }

        String summary() {
            return String.format(Locale.ROOT, "tailing read: %.1f MiB/s consumed while producing %.1f MiB/s; consumer had "
                    + "everything %.0f ms after the last ack; broker CPU %.1f ms per MiB read (writes included)", mibPerSec(),
                    produced.mibPerSec(), catchUpMillis, brokerCpuMsPerMib);
        }
    }

    private TailingRead() {
    }

    static Result run(String bootstrap, OptionalLong brokerPid, ProducePerf.Config produce) throws InterruptedException {
        ProducePerf.ensureTopic(bootstrap, produce.topic(), produce.partitions(), produce.topicConfigs(), null);
        AtomicLong windowStart = new AtomicLong(Long.MAX_VALUE);
        AtomicLong windowEnd = new AtomicLong(Long.MAX_VALUE);
        AtomicLong bytesInWindow = new AtomicLong();
        AtomicLong total = new AtomicLong();
        AtomicLong lastRecordAt = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch ready = new CountDownLatch(1);
        Properties cp = BenchConsumers.properties(bootstrap, "spillway-bench-tail-consumer");
        AtomicReference<Long> expected = new AtomicReference<>();
        Thread consumerThread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
                BenchConsumers.assignAtEnd(consumer, produce.topic());
                ready.countDown();
                while (!stop.get()) {
                    var records = consumer.poll(Duration.ofMillis(100));
                    long now = System.nanoTime();
                    long bytes = 0;
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        bytes += Math.max(0, r.serializedValueSize()) + Math.max(0, r.serializedKeySize());
                    }
                    if (!records.isEmpty()) {
                        total.addAndGet(records.count());
                        lastRecordAt.set(now);
                        if (now >= windowStart.get() && now <= windowEnd.get()) {
                            bytesInWindow.addAndGet(bytes);
                        }
                    }
                    Long e = expected.get();
                    if (e != null && total.get() >= e) {
                        return;
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
                ready.countDown();
            }
        }, "tail-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        ready.await();
        if (failure.get() != null) {
            throw new IllegalStateException("tailing consumer failed: " + failure.get(), failure.get());
        }
        AtomicReference<CpuMeter.Snapshot> cpuStart = new AtomicReference<>();
        produce.onMeasureStart(() -> {
            cpuStart.set(CpuMeter.Snapshot.take(brokerPid));
            windowStart.set(System.nanoTime());
        });
        ProducePerf.Result produced;
        try {
            produced = ProducePerf.run(bootstrap, produce);
        } catch (RuntimeException | InterruptedException e) {
            stop.set(true);
            throw e;
        }
        long producerEnd = System.nanoTime();
        windowEnd.set(producerEnd);
        CpuMeter.Snapshot cpuEnd = CpuMeter.Snapshot.take(brokerPid);
        expected.set(produced.records() + produced.warmupRecords());
        consumerThread.join(TimeUnit.SECONDS.toMillis(60));
        stop.set(true);
        consumerThread.join(TimeUnit.SECONDS.toMillis(10));
        if (failure.get() != null) {
            throw new IllegalStateException("tailing consumer failed: " + failure.get(), failure.get());
        }
        double window = (producerEnd - windowStart.get()) / 1e9;
        double catchUp = Math.max(0, (lastRecordAt.get() - producerEnd) / 1e6);
        return new Result(produced, bytesInWindow.get(), window, catchUp, total.get(),
                CpuMeter.brokerMillisPerMib(cpuStart.get(), cpuEnd, bytesInWindow.get()));
    }
}
