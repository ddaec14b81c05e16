package io.spillway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Locates the Spillway source tree and the broker's runtime classpath that the server module's build
 * writes to {@code server/target/spillway.classpath} (maven-dependency-plugin {@code build-classpath}).
 */
public final class RepoLayout {

    /** Relative location of the classpath file inside the repository. */
    public static final String CLASSPATH_FILE = "server/target/spillway.classpath";
    /** Relative location of the server's compiled classes inside the repository. */
    public static final String SERVER_CLASSES = "server/target/classes";
    /** Main class of the broker. */
    public static final String MAIN_CLASS = "io.spillway.server.Main";

    private RepoLayout() {
    }

    /**
     * The repository root: the system property {@code spillway.repo.root} or the environment variable
     * {@code SPILLWAY_HOME} when set, otherwise the nearest directory at or above the current working
     * directory that contains {@value #CLASSPATH_FILE}.
     *
     * @throws IllegalStateException if no such directory exists (the server has not been built)
     */
    public static Path repoRoot() {
        String explicit = System.getProperty("spillway.repo.root");
        if (explicit == null || explicit.isBlank()) {
            explicit = System.getenv("SPILLWAY_HOME");
        }
        if (explicit != null && !explicit.isBlank()) {
            Path root = Paths.get(explicit).toAbsolutePath().normalize();
            if (!Files.isRegularFile(root.resolve(CLASSPATH_FILE))) {
                throw new IllegalStateException("spillway.repo.root/SPILLWAY_HOME points to " + root
                        + " but " + CLASSPATH_FILE + " is missing there; build first with: mvn -B install -DskipTests");
            }
            return root;
        }
        Path start = Paths.get(System.getProperty("user.dir")).toAbsolutePath().normalize();
        return findRepoRoot(start);
    }

    /** Walks up from {@code start} to the first directory that contains {@value #CLASSPATH_FILE}. */
    public static Path findRepoRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(CLASSPATH_FILE))) {
                return dir;
            }
        }
        throw new IllegalStateException("No directory at or above " + start + " contains " + CLASSPATH_FILE
                + "; build the server first, e.g. from the repository root: mvn -B install -DskipTests");
    }

    /**
     * The broker's runtime classpath: {@value #SERVER_CLASSES} followed by every entry of
     * {@value #CLASSPATH_FILE}. Every entry must exist.
     */
    public static List<Path> serverClasspath(Path repoRoot) {
        Path classes = repoRoot.resolve(SERVER_CLASSES);
        Path cpFile = repoRoot.resolve(CLASSPATH_FILE);
        String content;
        try {
            content = Files.readString(cpFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + cpFile, e);
        }
        List<Path> entries = new ArrayList<>();
        entries.add(classes);
        if (!content.isEmpty()) {
            for (String entry : content.split(java.io.File.pathSeparator)) {
                if (!entry.isBlank()) {
                    entries.add(Paths.get(entry.trim()));
                }
            }
        }
        List<Path> missing = new ArrayList<>();
        for (Path entry : entries) {
            if (!Files.exists(entry)) {
                missing.add(entry);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Classpath entries of the broker are missing: " + missing
                    + " (listed by " + cpFile + "); rebuild with: mvn -B install -DskipTests");
        }
        return entries;
    }

    /** {@link #serverClasspath(Path)} joined with the platform path separator. */
    public static String serverClasspathString(Path repoRoot) {
        StringBuilder sb = new StringBuilder();
        for (Path p : serverClasspath(repoRoot)) {
            if (sb.length() > 0) {
                sb.append(java.io.File.pathSeparatorChar);
            }
            sb.append(p);
        }
        return sb.toString();
    }
}
