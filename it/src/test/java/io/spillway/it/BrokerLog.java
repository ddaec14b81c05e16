package io.spillway.it;

import static org.assertj.core.api.Assertions.fail;

import io.spillway.testkit.SpillwayProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The log of a broker child process ({@link SpillwayProcess#logFile()}) as crash tests read it: its lines parsed,
 * lines that must never appear, and a tail that waits for the next line of a kind (to aim a kill at it).
 */
final class BrokerLog {

    /** "2026-12-05T12:34:56.789+01:00 INFO  [thread] Logger - message" as the broker's logback pattern writes it. */
    static final Pattern LINE = Pattern.compile(
            "^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:Z|[+-]\\d\\d:\\d\\d)) (\\w+)\\s+\\[([^\\]]*)\\] (\\S+) - (.*)$");

    private BrokerLog() {
    }

    /** A line of the broker's log. */
    record Event(LocalTime time, String level, String thread, String logger, String message) {
        static Event parse(String line) {
            Matcher m = LINE.matcher(line);
            return m.matches() ? new Event(OffsetDateTime.parse(m.group(1)).toLocalTime(), m.group(2), m.group(3),
                    m.group(4), m.group(5)) : null;
        }
    }

    /** The lines of a broker's log that follow the pattern (stack traces and the test kit's own lines do not). */
    static List<Event> events(Path logFile) throws IOException {
        List<Event> out = new ArrayList<>();
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            Event e = Event.parse(line);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    /** Fails with the first line of the log that contains one of {@code forbidden}. */
    static void assertNoForbiddenLines(Path logFile, List<String> forbidden) throws IOException {
        for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
            for (String f : forbidden) {
                if (line.contains(f)) {
                    fail("the broker logged \"%s\" (%s):%n%s", f, logFile, line);
                }
            }
        }
    }

    /** Milliseconds from {@code from} to {@code to}, both times of day (across midnight too). */
    static long millisBetween(LocalTime from, LocalTime to) {
        long ms = Duration.between(from, to).toMillis();
        return ms < -12 * 3600_000L ? ms + 24 * 3600_000L : ms;
    }

    /** Reads the lines a broker adds to its log from the moment it is made. */
    static final class Tail {
        private final Path file;
        private long position;
        private String partial = "";

        Tail(Path file) throws IOException {
            this.file = file;
            this.position = Files.size(file);
        }

        /** Waits (at most {@code timeout}) for a new line whose message matches {@code pattern}; returns it. */
        Event await(Pattern pattern, Duration timeout, String what) throws IOException, InterruptedException {
            return await(e -> pattern.matcher(e.message()).find(), pattern.toString(), timeout, what);
        }

        /** Waits (at most {@code timeout}) for a new line that {@code matches}; returns it. */
        Event await(Predicate<Event> matches, String description, Duration timeout, String what)
                throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (String line : newLines()) {
                    Event e = Event.parse(line);
                    if (e != null && matches.test(e)) {
                        return e;
                    }
                }
                Thread.sleep(2);
            }
            fail("no line matching %s in the broker's log within %s %s:%n%s", description, timeout, what,
                    SpillwayProcess.tail(file, 40));
            return null;
        }

        private List<String> newLines() throws IOException {
            byte[] bytes;
            try (FileChannel channel = FileChannel.open(file)) {
                long size = channel.size();
                if (size <= position) {
                    return List.of();
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) (size - position));
                while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                    // read on
                }
                position += buffer.position();
                bytes = Arrays.copyOf(buffer.array(), buffer.position());
            }
            String text = partial + new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            partial = text.substring(end + 1);
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n"));
        }
    }
}
