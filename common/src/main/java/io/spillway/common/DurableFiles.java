package io.spillway.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** File operations that survive a crash: the last step of "write a temporary file, sync it, put it in place". */
public final class DurableFiles {
    private DurableFiles() {
    }

    /**
     * Renames the synced file {@code source} over {@code target} atomically and syncs their directory, so that after
     * a crash the directory holds either the old or the new file, never neither and never a part.
     */
    public static void replace(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }
}
