package io.spillway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoLayoutTest {

    @TempDir
    Path tmp;

    @Test
    void findsTheNearestAncestorWithTheClasspathFile() throws Exception {
        Path root = tmp.resolve("repo");
        Files.createDirectories(root.resolve("server/target/classes"));
        Path jar = Files.createFile(tmp.resolve("dep.jar"));
        Files.writeString(root.resolve(RepoLayout.CLASSPATH_FILE), jar + "\n");
        Path deep = Files.createDirectories(root.resolve("it/target/surefire"));

        assertThat(RepoLayout.findRepoRoot(deep)).isEqualTo(root.toAbsolutePath().normalize());
        assertThat(RepoLayout.findRepoRoot(root)).isEqualTo(root.toAbsolutePath().normalize());
        assertThat(RepoLayout.serverClasspath(root))
                .containsExactly(root.resolve("server/target/classes"), jar);
        assertThat(RepoLayout.serverClasspathString(root))
                .isEqualTo(root.resolve("server/target/classes") + File.pathSeparator + jar);
    }

    @Test
    void failsWithAHintWhenNothingIsBuilt() throws Exception {
        Path lonely = Files.createDirectories(tmp.resolve("a/b"));
        // tmp dirs live under /tmp, which has no server/target/spillway.classpath above it
        assertThatThrownBy(() -> RepoLayout.findRepoRoot(lonely))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(RepoLayout.CLASSPATH_FILE)
                .hasMessageContaining("mvn");
    }

    @Test
    void rejectsAClasspathWithMissingEntries() throws Exception {
        Path root = tmp.resolve("repo");
        Files.createDirectories(root.resolve("server/target/classes"));
        Path missing = tmp.resolve("gone.jar");
        Files.writeString(root.resolve(RepoLayout.CLASSPATH_FILE), String.join(File.pathSeparator, List.of(missing.toString())));

        assertThatThrownBy(() -> RepoLayout.serverClasspath(root))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gone.jar");
    }
}
