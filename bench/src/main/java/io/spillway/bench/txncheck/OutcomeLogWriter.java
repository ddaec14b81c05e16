package io.spillway.bench.txncheck;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends {@link OutcomeEvent}s to a producer's outcome log and fsyncs after every line, so that an event is on
 * disk before the call it announces is made (and a "returned" event before the next step). Successive incarnations
 * of a producer append to the same file; if the previous process was killed in the middle of a line, the writer
 * first ends that torn line so that it stays a single unparseable line.
 *
 * <p>Not thread safe: owned by the producer's transaction loop thread.
 */
public final class OutcomeLogWriter implements AutoCloseable {

    private final FileChannel channel;

    private OutcomeLogWriter(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens (creating if needed) the log for appending. */
    public static OutcomeLogWriter open(Path file) throws IOException {
        boolean endsTorn = endsWithoutNewline(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        try {
            if (endsTorn) {
                writeFully(ch, ByteBuffer.wrap(new byte[] {'\n'}));
            }
            return new OutcomeLogWriter(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** True if the file exists, is not empty and its last byte is not a line break (a torn last line). */
    private static boolean endsWithoutNewline(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                return false;
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            ch.read(last, size - 1);
            return last.get(0) != '\n';
        }
    }

    /** Writes the event as one line and fsyncs it before returning. */
    public void append(OutcomeEvent event) throws IOException {
        writeFully(channel, ByteBuffer.wrap(event.toLine().getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
