package io.spillway.server;

import io.spillway.protocol.ListenerBindException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Why {@code spillway serve} could not start, as the one line an operator reads: what failed, which port or path,
 * what to do. The line goes to the broker log at ERROR (the console appender, so the terminal shows it once, with
 * the date); the stack trace only at DEBUG ({@code SPILLWAY_LOG_LEVEL=DEBUG}).
 */
final class StartupFailure {
    private static final Logger log = LoggerFactory.getLogger(StartupFailure.class);
    static final String PREFIX = "Spillway cannot start: ";
    static final String DEBUG_HINT = "(run with SPILLWAY_LOG_LEVEL=DEBUG for the stack trace)";
    /** Exit code of a start that failed (picocli's own usage errors keep 2). */
    static final int EXIT_CODE = 1;

    private StartupFailure() {
    }

    /**
     * Reports {@code failure} (the line at ERROR, the stack trace at DEBUG) and returns the exit code.
     *
     * @param dataDir the data directory the start was for, to name it in file-system errors; null if unknown
     */
    static int report(Throwable failure, Path dataDir) {
        String line = describe(failure, dataDir);
        if (log.isErrorEnabled()) {
            log.error("{}", line);
        } else {
            // logging turned off entirely: the operator must still learn why nothing runs
            PrintStream err = System.err;
            err.println(line);
            err.flush();
        }
        log.debug("Stack trace of the failed start", failure);
        return EXIT_CODE;
    }

    /** The operator line for {@code failure}, starting with {@value #PREFIX}. */
    static String describe(Throwable failure, Path dataDir) {
        Throwable e = unwrap(failure);
        if (e instanceof DataDirLock.InUseException
                || e instanceof InvalidConfigurationException
                || e instanceof ConfigException
                || (e instanceof IllegalArgumentException && !(e instanceof NumberFormatException))
                || e instanceof ListenerBindException
                || (e instanceof IllegalStateException && causedBy(e, BindException.class))) {
            // messages written for operators: they name the setting, port or path and what to do
            return PREFIX + message(e);
        }
        if (e instanceof NumberFormatException) {
            return PREFIX + "a setting that takes a number has another value (" + message(e) + ") " + DEBUG_HINT;
        }
        if (e instanceof BindException) {
            return PREFIX + "a listener cannot bind its address (" + message(e) + "): another process may use the "
                    + "port; stop it or choose another port (--port, listeners, spillway.http.listener)";
        }
        if (e instanceof FileSystemException fs) {
            return PREFIX + fileProblem(fs, dataDir);
        }
        FileSystemException below = cause(e, FileSystemException.class);
        if (below != null) {
            // e.g. the metadata store or shared log could not open a path of the data directory: name the path and why
            return PREFIX + fileProblem(below, dataDir);
        }
        return PREFIX + e.getClass().getSimpleName() + ": " + message(e) + " " + DEBUG_HINT;
    }

    private static String fileProblem(FileSystemException e, Path dataDir) {
        String file = e.getFile() == null ? "?" : Path.of(e.getFile()).toAbsolutePath().toString();
        String what = dataDir != null && Path.of(file).startsWith(dataDir.toAbsolutePath()) ? "data directory "
                : "";
        String why;
        if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (e instanceof NoSuchFileException) {
            why = "no such file or directory";
        } else if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException
                || "Not a directory".equalsIgnoreCase(e.getReason())) {
            why = "a regular file is in the way where a directory is needed";
        } else {
            why = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
        }
        String remedy = !what.isEmpty() || dataDir == null
                ? "choose a data directory (--data-dir, SPILLWAY_DATA_DIR, data.dir or log.dirs) this user can create "
                        + "and write, whose contents Spillway made"
                : "check the file's path and permissions";
        return "cannot use " + what + file + ": " + why + "; " + remedy;
    }

    /** Strips wrappers that add nothing for an operator (futures, reflection, unchecked I/O). */
    static Throwable unwrap(Throwable e) {
        Throwable current = e;
        while (current.getCause() != null && current.getCause() != current
                && (current instanceof ExecutionException || current instanceof CompletionException
                || current instanceof InvocationTargetException || current instanceof UncheckedIOException
                || (current instanceof RuntimeException && current.getClass() == RuntimeException.class
                && String.valueOf(current.getMessage()).equals(current.getCause().toString())))) {
            current = current.getCause();
        }
        return current;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        return cause(e, type) != null;
    }

    /** The first throwable of {@code type} in the cause chain of {@code e} (itself included), or null. */
    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.replace('\n', ' ').strip();
    }
}
