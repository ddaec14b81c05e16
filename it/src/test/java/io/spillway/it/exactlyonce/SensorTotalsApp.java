package io.spillway.it.exactlyonce;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * Main class of the Kafka Streams app ({@link SensorTotalsTopology}) in a child JVM, so that a test can
 * kill it with SIGKILL (see {@link StreamsAppProcess}). Arguments: the input topic, the output topic, then
 * Streams configs as {@code key=value}.
 *
 * <p>It reports to the parent on stdout, each line starting with {@value #PREFIX} (all other lines are
 * logging): {@code STATE <KafkaStreams.State>} on every state change, {@code PROCESSED <n>} at most every
 * 10 ms when the number of aggregates computed by this process has grown, {@code ERROR <exception>} when a
 * stream thread dies (the client then shuts down), {@code STOPPED} after a clean close. It closes cleanly
 * and exits on the line {@code STOP} or at the end of stdin (the parent is gone).
 */
public final class SensorTotalsApp {

    static final String PREFIX = "@@ ";
    private static final long REPORT_INTERVAL_MS = 10;

    private SensorTotalsApp() {
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Properties config = new Properties();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        AtomicLong aggregated = new AtomicLong();
        KafkaStreams streams = new KafkaStreams(SensorTotalsTopology.build(args[0], args[1], aggregated), config);
        streams.setStateListener((now, before) -> report(out, "STATE " + now));
        streams.setUncaughtExceptionHandler(e -> {
            report(out, "ERROR " + e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        startProgressReports(aggregated, out);
        streams.start();
        awaitStopOrEndOfInput();
        streams.close(Duration.ofSeconds(30));
        report(out, "STOPPED");
        System.exit(0);
    }

    private static void report(PrintStream out, String line) {
        synchronized (out) {
            out.println(PREFIX + line.replace('\n', ' '));
        }
    }

    private static void startProgressReports(AtomicLong aggregated, PrintStream out) {
        Thread reporter = new Thread(() -> {
            long reported = 0;
            try {
                while (true) {
                    long now = aggregated.get();
                    if (now != reported) {
                        report(out, "PROCESSED " + now);
                        reported = now;
                    }
                    TimeUnit.MILLISECONDS.sleep(REPORT_INTERVAL_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "progress-reporter");
        reporter.setDaemon(true);
        reporter.start();
    }

    private static void awaitStopOrEndOfInput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if ("STOP".equals(line.trim())) {
                    return;
                }
            }
        } catch (Exception e) {
            // treated like the end of input: the parent is gone
        }
    }
}
