package io.spillway.it;

import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.LoggerFactory;

/**
 * The INFO (and higher) lines an in-process broker writes through some of its loggers, for tests that assert what
 * an operator reads in the log. The tests' logback-test.xml keeps io.spillway at WARN; while open, this raises the
 * named loggers to INFO and collects their lines (they still reach the console). Close it to put them back.
 */
final class CapturedLog implements AutoCloseable {
    private final List<Logger> loggers = new ArrayList<>();
    private final List<Level> levels = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private CapturedLog(Class<?>... sources) {
        appender.start();
        for (Class<?> source : sources) {
            Logger logger = (Logger) LoggerFactory.getLogger(source);
            loggers.add(logger);
            levels.add(logger.getLevel());
            logger.setLevel(Level.INFO);
            logger.addAppender(appender);
        }
    }

    /** Starts collecting the lines of the loggers of these classes. */
    static CapturedLog of(Class<?>... sources) {
        return new CapturedLog(sources);
    }

    /** The formatted messages collected so far at {@code level}, oldest first. */
    List<String> messages(Level level) {
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel().equals(level))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** The INFO messages collected so far. */
    List<String> info() {
        return messages(Level.INFO);
    }

    /** Waits (at most {@code timeout}) for an INFO message that {@code matches}; returns it. */
    String awaitInfo(Predicate<String> matches, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (String message : info()) {
                if (matches.test(message)) {
                    return message;
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no INFO line %s within %s; the lines were:%n%s", what, timeout, String.join("\n", info()));
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).detachAppender(appender);
            loggers.get(i).setLevel(levels.get(i));
        }
        appender.stop();
    }
}
