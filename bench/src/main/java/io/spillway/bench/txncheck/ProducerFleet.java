package io.spillway.bench.txncheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The run's transactional producers, one slot per transactional.id, each slot running one process (incarnation) at
 * a time. When a process exits (killed, planned crash, gave up) the slot starts the next incarnation after the delay
 * the fault asked for, with the same transactional.id and outcome log and a first transaction number above every one
 * used before (read from the outcome log, which the dead process can no longer write).
 *
 * <p>Not thread safe: the run's control thread calls every method. Process exits arrive from JDK threads through a
 * queue that the control thread drains ({@link #awaitExit(long)} / {@link #onExit(Exit, long)}).
 */
final class ProducerFleet implements AutoCloseable {

    /** A producer process has exited. */
    record Exit(int producer, ProducerProcess process) {
    }

    /** How a slot's current process is expected to end, which decides the restart delay. */
    private enum Ending { NONE, KILLED, CRASH_REQUESTED }

    /**
     * One logical producer (transactional.id): its current process, the next incarnation number, and the pending
     * restart ({@code restartAtMs}, -1 when none).
     */
    private final class Slot {
        final int index;
        final Path outcomeLog;
        ProducerProcess process;
        int nextIncarnation;
        Ending ending = Ending.NONE;
        long restartDelayMs;
        long restartAtMs = -1;

        Slot(int index) {
            this.index = index;
            this.outcomeLog = dir.resolve("producer-" + index + ".outcomes");
        }
    }

    private final TxnCheckSettings settings;
    private final String bootstrap;
    private final Path dir;
    private final FaultLog faults;
    private final List<Slot> slots = new ArrayList<>();
    private final BlockingQueue<Exit> exits = new LinkedBlockingQueue<>();
    private boolean stopping;

    ProducerFleet(TxnCheckSettings settings, String bootstrap, Path dir, FaultLog faults) {
        this.settings = settings;
        this.bootstrap = bootstrap;
        this.dir = dir;
        this.faults = faults;
        for (int i = 0; i < settings.producers(); i++) {
            slots.add(new Slot(i));
        }
    }

    /** The transactional.id of producer {@code i} (the same for every incarnation). */
    String transactionalId(int i) {
        return "txncheck-" + settings.seed() + "-p" + i;
    }

    List<String> transactionalIds() {
        return slots.stream().map(s -> transactionalId(s.index)).toList();
    }

    /** Starts incarnation 0 of every producer. */
    void startAll() {
        slots.forEach(this::startNext);
    }

    /**
     * Waits until every producer's current process has finished initTransactions(), up to {@code timeoutMs} in all.
     *
     * @return the producers not ready in time, with why (empty when all are ready)
     */
    Map<Integer, String> awaitAllReady(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Map<Integer, String> notReady = new LinkedHashMap<>();
        for (Slot s : slots) {
            try {
                s.process.ready().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                notReady.put(s.index, "initTransactions() had not returned after " + timeoutMs + " ms");
            } catch (ExecutionException e) {
                String code = s.process.awaitExit(5_000) ? Integer.toString(s.process.exitCode()) : "unknown";
                notReady.put(s.index, "exited (code " + code + ", see " + s.process.outputFile().getFileName()
                        + ") before initTransactions() returned");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                notReady.put(s.index, "interrupted");
            }
        }
        return notReady;
    }

    /** SIGKILLs producer {@code i} now; its next incarnation starts {@code restartDelayMs} after the exit is seen. */
    void kill(int i, long restartDelayMs, long nowMs) {
        Slot s = slots.get(i);
        if (s.process == null || !s.process.isAlive()) {
            faults.add(nowMs, FaultLog.Kind.FAULT_SKIPPED, "kill -9 producer " + i + ": skipped, it is down");
            return;
        }
        s.ending = Ending.KILLED;
        s.restartDelayMs = restartDelayMs;
        s.process.kill9();
        faults.add(nowMs, FaultLog.Kind.PRODUCER_KILLED, "kill -9 producer " + i + " (incarnation "
                + s.process.spec().incarnation() + ", pid " + s.process.pid() + ")");
    }

    /** Asks producer {@code i} to crash in its next transaction; its exit is handled when it comes. */
    void crash(int i, long restartDelayMs, long nowMs) {
        Slot s = slots.get(i);
        if (s.process == null || !s.process.isAlive() || s.ending != Ending.NONE) {
            faults.add(nowMs, FaultLog.Kind.FAULT_SKIPPED, "crash producer " + i + ": skipped, it is down or ending");
            return;
        }
        s.ending = Ending.CRASH_REQUESTED;
        s.restartDelayMs = restartDelayMs;
        s.process.requestCrash();
    }

    /** The next exit of a producer process, waiting up to {@code ms}; null if none came. */
    Exit awaitExit(long ms) throws InterruptedException {
        return exits.poll(Math.max(0, ms), TimeUnit.MILLISECONDS);
    }

    /** Records an exit and schedules the next incarnation (not while stopping). */
    void onExit(Exit e, long nowMs) {
        Slot s = slots.get(e.producer());
        if (s.process != e.process()) {
            return; // an older incarnation, already handled
        }
        if (stopping) {
            return;
        }
        int code = e.process().exitCode();
        int inc = e.process().spec().incarnation();
        long delay;
        if (s.ending == Ending.KILLED) {
            delay = s.restartDelayMs;
        } else if (code == TxnProducerMain.EXIT_PLANNED_CRASH) {
            faults.add(nowMs, FaultLog.Kind.PRODUCER_CRASHED_MID_TXN, "producer " + e.producer() + " (incarnation " + inc
                    + ") halted with a transaction open, as planned");
            delay = s.ending == Ending.CRASH_REQUESTED ? s.restartDelayMs : 0;
        } else if (code == TxnProducerMain.EXIT_GAVE_UP) {
            faults.add(nowMs, FaultLog.Kind.PRODUCER_GAVE_UP, "producer " + e.producer() + " (incarnation " + inc
                    + ") gave up (see " + e.process().outputFile().getFileName() + ")");
            delay = 200;
        } else {
            faults.add(nowMs, FaultLog.Kind.PRODUCER_EXITED_UNEXPECTEDLY, "producer " + e.producer() + " (incarnation "
                    + inc + ") exited with code " + code + " (see " + e.process().outputFile().getFileName() + ")");
            delay = 200;
        }
        s.restartAtMs = nowMs + delay;
    }

    /** When the next restart is due, or {@link Long#MAX_VALUE} if none is pending. */
    long nextRestartAtMs() {
        return slots.stream().filter(s -> s.restartAtMs >= 0).mapToLong(s -> s.restartAtMs).min().orElse(Long.MAX_VALUE);
    }

    /** Starts every next incarnation that is due. */
    void restartDue(long nowMs) {
        for (Slot s : slots) {
            if (s.restartAtMs >= 0 && s.restartAtMs <= nowMs && !stopping) {
                s.restartAtMs = -1;
                startNext(s);
                faults.add(nowMs, FaultLog.Kind.PRODUCER_RESTARTED, "producer " + s.index + " incarnation "
                        + s.process.spec().incarnation() + " started (pid " + s.process.pid() + ", first txn "
                        + s.process.spec().firstTxn() + ")");
            }
        }
    }

    private void startNext(Slot s) {
        long firstTxn;
        try {
            firstTxn = ProducerHistory.read(s.index, s.outcomeLog).maxTxn() + 1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + s.outcomeLog, e);
        }
        int inc = s.nextIncarnation++;
        ProducerSpec spec = new ProducerSpec(bootstrap, settings.topic(), settings.partitions(), s.index, inc, firstTxn,
                transactionalId(s.index), s.outcomeLog, Seeds.mix(settings.seed(), 1_000 + s.index, inc),
                settings.recordsPerTxn(), settings.abortProbability(), (int) settings.txnTimeout().toMillis(),
                (int) settings.maxBlock().toMillis(), settings.pauseBetweenTxnsMs());
        ProducerProcess p = ProducerProcess.start(spec, dir);
        s.process = p;
        s.ending = Ending.NONE;
        p.onExit().thenRun(() -> exits.add(new Exit(s.index, p)));
    }

    /**
     * Asks every running producer to stop after its current transaction, waits up to {@code timeoutMs} in all, and
     * SIGKILLs the ones still running. No restarts happen afterwards.
     */
    void stopAll(long timeoutMs, long nowMs) {
        stopping = true;
        for (Slot s : slots) {
            s.restartAtMs = -1;
            if (s.process != null) {
                s.process.requestStop();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Slot s : slots) {
            if (s.process != null && !s.process.awaitExit(Math.max(0, (deadline - System.nanoTime()) / 1_000_000))) {
                s.process.kill9();
                faults.add(nowMs, FaultLog.Kind.PRODUCER_KILLED_AT_STOP, "producer " + s.index
                        + " did not stop within " + timeoutMs + " ms of the request; killed");
            }
        }
    }

    /** Every producer's outcome log, folded. Call after {@link #stopAll}. */
    Map<Integer, ProducerHistory> histories() {
        Map<Integer, ProducerHistory> out = new LinkedHashMap<>();
        for (Slot s : slots) {
            try {
                out.put(s.index, ProducerHistory.read(s.index, s.outcomeLog));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + s.outcomeLog, e);
            }
        }
        return out;
    }

    /** SIGKILLs every producer still running (cleanup, also after failures). Never throws. */
    @Override
    public void close() {
        stopping = true;
        for (Slot s : slots) {
            if (s.process != null && s.process.isAlive()) {
                try {
                    s.process.kill9();
                } catch (RuntimeException e) {
                    System.err.println("txn-check: could not kill producer " + s.index + ": " + e);
                }
            }
        }
    }
}
