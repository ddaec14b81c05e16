package io.spillway.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.spillway.meta.config.BrokerConfigCatalog;
import io.spillway.meta.config.BrokerConfigKey;
import io.spillway.meta.config.ConfigKey;
import io.spillway.meta.config.GroupConfigCatalog;
import io.spillway.meta.config.TopicConfigCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is the catalogs' reference: every key appears, and the page is what the catalogs generate. */
class ConfigReferenceTest {
    private static final Path PAGE = Paths.get("..").resolve(ConfigReference.PAGE);

    @Test
    void pageIsUpToDateWithTheCatalogs() throws Exception {
        String generated = ConfigReference.markdown();
        if (Boolean.getBoolean("spillway.docs.update")) {
            Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(PAGE))
                .as("%s differs from the catalogs; regenerate it with "
                        + "mvn -B -pl server test -Dtest=ConfigReferenceTest -Dspillway.docs.update=true", PAGE)
                .isEqualTo(generated);
    }

    @Test
    void everyCatalogKeyAppearsInThePage() throws Exception {
        String page = Files.readString(PAGE);
        for (BrokerConfigKey key : BrokerConfigCatalog.all()) {
            assertThat(page).as("broker setting %s", key.name()).contains("| `" + key.name() + "` |");
        }
        for (ConfigKey key : TopicConfigCatalog.all()) {
            assertThat(page).as("topic config %s", key.name()).contains("| `" + key.name() + "` |");
        }
        for (ConfigKey key : GroupConfigCatalog.all()) {
            if (!GroupConfigCatalog.isInternal(key.name())) {
                assertThat(page).as("group config %s", key.name()).contains("| `" + key.name() + "` |");
            }
        }
    }

    @Test
    void helpListsSpillwaysOwnSettings() {
        assertThat(ConfigReference.ownSettings()).contains("spillway.fsync (default true)",
                        "spillway.http.listener (default 127.0.0.1:8080)")
                .noneMatch(l -> l.startsWith("num.partitions"));
    }
}
