package io.spillway.server.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The progress line of bulk produce/consume on stderr: records, MiB and rates, redrawn in place at most twice a
 * second. Shown when stderr is a terminal (or forced with --progress), so piped output and logs stay clean.
 */
final class Progress {

    private static final long INTERVAL_NANOS = 500_000_000L;

    private final PrintStream err;
    private final boolean enabled;
    private final String verb;
    private final long start = System.nanoTime();
    private long lastDraw = start;
    private long records;
    private long bytes;

    Progress(Boolean requested, String verb) {
        this(requested != null ? requested : stderrIsTerminal(), verb, System.err);
    }

    Progress(boolean enabled, String verb, PrintStream err) {
        this.enabled = enabled;
        this.verb = verb;
        this.err = err;
    }

    void add(long recordCount, long byteCount) {
        records += recordCount;
        bytes += byteCount;
        if (enabled) {
            long now = System.nanoTime();
            if (now - lastDraw >= INTERVAL_NANOS) {
                lastDraw = now;
                err.print("\r" + line(now) + "   ");
                err.flush();
            }
        }
    }

    long records() {
        return records;
    }

    long bytes() {
        return bytes;
    }

    /** Ends the progress line with a summary, when progress is shown. */
    void finish() {
        if (enabled) {
            err.println("\r" + line(System.nanoTime()) + " (done)   ");
            err.flush();
        }
    }

    private String line(long now) {
        double seconds = Math.max(1e-3, (now - start) / 1e9);
        double mib = bytes / (1024.0 * 1024.0);
        return String.format(Locale.ROOT, "%s %,d records  %.1f MiB  %,.0f records/s  %.1f MiB/s  %.1f s",
                verb, records, mib, records / seconds, mib / seconds, seconds);
    }

    /** True when file descriptor 2 is a terminal (Linux /proc; elsewhere when the JVM has a console). */
    static boolean stderrIsTerminal() {
        try {
            Path fd = Paths.get("/proc/self/fd/2");
            if (Files.exists(fd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            }
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            // Not Linux, or /proc unreadable: ask the JVM below; a wrong guess only shows or hides the progress line.
        }
        return System.console() != null;
    }
}
