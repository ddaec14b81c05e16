package io.spillway.bench.txncheck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * The work of one producer process: initTransactions(), then transaction after transaction until asked to stop,
 * each of {@link ProducerSpec#recordsPerTxn()} records spread over the partitions, committed or (by the seeded
 * random) aborted. Every decisive call is announced in the outcome log, fsynced, before it is made, and its return
 * is logged after it: BEGIN, INTEND_COMMIT → COMMITTED, INTEND_ABORT → ABORTED.
 *
 * <p>Errors are not papered over: a timeout of initTransactions() or commitTransaction() is retried as the client's
 * contract allows; anything else ends the process ({@link GiveUpException}) and the checker starts a new incarnation,
 * whose initTransactions() fences this one.
 *
 * <p>Not thread safe: runs on the process's main thread (send callbacks only record the first send error).
 */
public final class TransactionLoop {

    /** Attempts of commitTransaction()/abortTransaction() that time out before the process gives up. */
    static final int END_TXN_ATTEMPTS = 3;

    /** The producer is unusable (or its outcome unknowable); the process should exit and be restarted. */
    public static final class GiveUpException extends Exception {
        GiveUpException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ProducerSpec spec;
    private final Producer<String, String> producer;
    private final OutcomeLogWriter log;
    private final ChildControl control;
    private final Runnable halt;
    private final SplittableRandom random;

    /**
     * @param halt ends the process at once, without closing anything (a planned crash); in production
     *             {@code Runtime.getRuntime().halt(..)}. It must not return; if it does the loop throws.
     */
    public TransactionLoop(ProducerSpec spec, Producer<String, String> producer, OutcomeLogWriter log,
                           ChildControl control, Runnable halt) {
        this.spec = spec;
        this.producer = producer;
        this.log = log;
        this.control = control;
        this.halt = halt;
        this.random = new SplittableRandom(spec.seed());
    }

    /**
     * Calls initTransactions() until it returns (retrying timeouts, e.g. while the broker restarts) or a stop is
     * requested.
     *
     * @return true once ready, false if stopped first
     */
    public boolean initialize() throws IOException, GiveUpException {
        while (!control.stopRequested()) {
            try {
                producer.initTransactions();
                event(OutcomeEvent.Kind.READY, OutcomeEvent.NO_TXN, "");
                return true;
            } catch (TimeoutException e) {
                event(OutcomeEvent.Kind.ERROR, OutcomeEvent.NO_TXN, "initTransactions: " + describe(e));
            } catch (KafkaException e) {
                event(OutcomeEvent.Kind.ERROR, OutcomeEvent.NO_TXN, "initTransactions: " + describe(e));
                throw new GiveUpException("initTransactions failed", e);
            }
        }
        return false;
    }

    /** Runs transactions, numbered from {@link ProducerSpec#firstTxn()}, until a stop is requested. */
    public void run() throws IOException, GiveUpException, InterruptedException {
        for (long txn = spec.firstTxn(); !control.stopRequested(); txn++) {
            runOne(txn);
            control.pause(spec.pauseBetweenTxnsMs());
        }
    }

    /** One transaction, announced and concluded in the outcome log. */
    void runOne(long txn) throws IOException, GiveUpException {
        boolean abort = random.nextDouble() < spec.abortProbability();
        List<Integer> partitions = new ArrayList<>();
        for (int i = 0; i < spec.recordsPerTxn(); i++) {
            partitions.add(random.nextInt(spec.partitions()));
        }
        event(OutcomeEvent.Kind.BEGIN, txn, ProducerHistory.beginDetail(partitions));
        AtomicReference<Exception> sendError = new AtomicReference<>();
        try {
            producer.beginTransaction();
            for (int i = 0; i < partitions.size(); i++) {
                TxnRecord r = new TxnRecord(spec.producer(), spec.incarnation(), txn, i, partitions.size());
                producer.send(new ProducerRecord<>(spec.topic(), partitions.get(i), r.key(), r.encode()), (md, e) -> {
                    if (e != null) {
                        sendError.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
        } catch (KafkaException | IllegalStateException e) {
            event(OutcomeEvent.Kind.ERROR, txn, "while sending: " + describe(e));
            throw new GiveUpException("sending transaction " + txn + " failed", e);
        }
        if (control.crashRequested()) {
            event(OutcomeEvent.Kind.ABANDON, txn, "planned crash with the transaction open");
            halt.run();
            throw new IllegalStateException("halt returned");
        }
        if (sendError.get() != null) {
            event(OutcomeEvent.Kind.SEND_FAILED, txn, describe(sendError.get()));
            abort = true;
        }
        if (abort) {
            event(OutcomeEvent.Kind.INTEND_ABORT, txn, "");
            endTransaction(txn, false);
            event(OutcomeEvent.Kind.ABORTED, txn, "");
        } else {
            event(OutcomeEvent.Kind.INTEND_COMMIT, txn, "");
            endTransaction(txn, true);
            event(OutcomeEvent.Kind.COMMITTED, txn, "");
        }
    }

    /** commitTransaction() or abortTransaction(), retried after a timeout (the client requires the same call again). */
    private void endTransaction(long txn, boolean commit) throws IOException, GiveUpException {
        OutcomeEvent.Kind failed = commit ? OutcomeEvent.Kind.COMMIT_FAILED : OutcomeEvent.Kind.ABORT_FAILED;
        for (int attempt = 1; ; attempt++) {
            try {
                if (commit) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
                return;
            } catch (TimeoutException e) {
                event(failed, txn, "attempt " + attempt + ": " + describe(e));
                if (attempt >= END_TXN_ATTEMPTS) {
                    throw new GiveUpException((commit ? "commit" : "abort") + " of " + txn + " kept timing out", e);
                }
            } catch (KafkaException | IllegalStateException e) {
                event(failed, txn, "attempt " + attempt + ": " + describe(e));
                throw new GiveUpException((commit ? "commit" : "abort") + " of " + txn + " failed", e);
            }
        }
    }

    private void event(OutcomeEvent.Kind kind, long txn, String detail) throws IOException {
        log.append(OutcomeEvent.of(kind, spec.incarnation(), txn, detail));
    }

    /** Exception class and message, with the cause's when it differs (Kafka wraps the interesting one). */
    static String describe(Throwable e) {
        String s = e.getClass().getSimpleName() + ": " + e.getMessage();
        Throwable c = e.getCause();
        if (c != null && c != e) {
            s += " (cause " + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
        }
        return s;
    }
}
