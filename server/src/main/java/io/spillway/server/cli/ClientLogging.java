package io.spillway.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

import java.util.Iterator;

/**
 * Keeps the Kafka clients' log lines out of the CLI's output. The broker's logback.xml logs to stdout, which is
 * where the CLI writes results that scripts parse; so client commands turn logging off, or with --verbose send
 * the clients' warnings to stderr.
 */
final class ClientLogging {

    private ClientLogging() {
    }

    static void configure(boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!verbose) {
            root.setLevel(Level.OFF);
            context.getLogger("org.apache.kafka").setLevel(Level.OFF);
            context.getLogger("io.spillway").setLevel(Level.OFF);
            return;
        }
        for (Iterator<Appender<ch.qos.logback.classic.spi.ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<?> console) {
                console.stop();
                console.setTarget("System.err");
                console.start();
            }
        }
    }
}
