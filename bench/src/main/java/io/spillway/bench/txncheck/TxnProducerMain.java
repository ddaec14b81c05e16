package io.spillway.bench.txncheck;

import java.io.IOException;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Main class of one transactional producer process, started by the checker ({@link ProducerProcess}) with the path
 * of its {@link ProducerSpec} as the only argument. Its stdout line {@value #READY_LINE} tells the checker that
 * initTransactions() returned; its stdin carries {@link ChildControl} commands.
 *
 * <p>Exit codes: {@value #EXIT_STOPPED} stopped as asked; {@value #EXIT_GAVE_UP} the producer became unusable
 * (fenced, commit failed, ...), restart me; {@value #EXIT_PLANNED_CRASH} halted on purpose with a transaction
 * open; {@value #EXIT_BAD_SPEC} the spec could not be read.
 */
public final class TxnProducerMain {

    /** Printed on stdout once initTransactions() has returned. */
    public static final String READY_LINE = "txncheck producer ready";
    public static final int EXIT_STOPPED = 0;
    public static final int EXIT_BAD_SPEC = 2;
    public static final int EXIT_GAVE_UP = 3;
    public static final int EXIT_PLANNED_CRASH = 77;

    private TxnProducerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TxnProducerMain <producer spec file>");
            System.exit(EXIT_BAD_SPEC);
        }
        ProducerSpec spec;
        try {
            spec = ProducerSpec.read(Paths.get(args[0]));
        } catch (IOException | RuntimeException e) {
            System.err.println("txncheck producer: cannot read spec " + args[0] + ": " + e);
            System.exit(EXIT_BAD_SPEC);
            return;
        }
        System.exit(run(spec));
    }

    static int run(ProducerSpec spec) {
        ChildControl control = ChildControl.watching(System.in);
        try (OutcomeLogWriter log = OutcomeLogWriter.open(spec.outcomeLog())) {
            log.append(OutcomeEvent.of(OutcomeEvent.Kind.START, spec.incarnation(), OutcomeEvent.NO_TXN,
                    "pid " + ProcessHandle.current().pid() + ", first txn " + spec.firstTxn()));
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config(spec))) {
                TransactionLoop loop = new TransactionLoop(spec, producer, log, control,
                        () -> Runtime.getRuntime().halt(EXIT_PLANNED_CRASH));
                try {
                    if (loop.initialize()) {
                        System.out.println(READY_LINE);
                        System.out.flush();
                        loop.run();
                    }
                } catch (TransactionLoop.GiveUpException e) {
                    System.err.println("txncheck producer " + spec.producer() + "/" + spec.incarnation() + " gives up: "
                            + TransactionLoop.describe(e.getCause() != null ? e.getCause() : e));
                    producer.close(Duration.ZERO);
                    return EXIT_GAVE_UP;
                }
                producer.close(Duration.ofSeconds(10));
            }
            log.append(OutcomeEvent.of(OutcomeEvent.Kind.STOPPED, spec.incarnation(), OutcomeEvent.NO_TXN, ""));
            return EXIT_STOPPED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_GAVE_UP;
        } catch (IOException | RuntimeException e) {
            System.err.println("txncheck producer " + spec.producer() + "/" + spec.incarnation() + " failed: " + e);
            e.printStackTrace(System.err);
            return EXIT_GAVE_UP;
        }
    }

    /** The producer's configuration: transactional, bounded blocking so that a dead broker shows up as timeouts. */
    static Properties config(ProducerSpec spec) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, spec.bootstrap());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "txncheck-p" + spec.producer() + "-i" + spec.incarnation());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, spec.transactionalId());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, spec.txnTimeoutMs());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, spec.maxBlockMs());
        int requestTimeoutMs = Math.min(10_000, spec.maxBlockMs());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(spec.maxBlockMs(), requestTimeoutMs));
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }
}
