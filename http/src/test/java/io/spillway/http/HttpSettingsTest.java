package io.spillway.http;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpSettingsTest {
    @Test
    void defaults() {
        assertThat(HttpSettings.parse(Map.of())).isEqualTo(new HttpSettings(true, "127.0.0.1", 8080));
        assertThat(HttpSettings.parse(Map.of(), true)).isEqualTo(new HttpSettings(true, "127.0.0.1", 0));
        assertThat(HttpSettings.parse(Map.of(HttpSettings.LISTENER, "127.0.0.1:9000"), true).port()).isEqualTo(9000);
    }

    @Test
    void listenerAndEnable() {
        assertThat(HttpSettings.parse(Map.of(HttpSettings.LISTENER, "0.0.0.0:0", HttpSettings.ENABLE, "false")))
                .isEqualTo(new HttpSettings(false, "0.0.0.0", 0));
        assertThat(HttpSettings.parse(Map.of(HttpSettings.LISTENER, "[::1]:9000")).host()).isEqualTo("::1");
    }

    @Test
    void mistakesNameTheSetting() {
        assertThatThrownBy(() -> HttpSettings.parse(Map.of(HttpSettings.LISTENER, "8080")))
                .hasMessageContaining(HttpSettings.LISTENER);
        assertThatThrownBy(() -> HttpSettings.parse(Map.of(HttpSettings.LISTENER, "h:70000")))
                .hasMessageContaining(HttpSettings.LISTENER);
        assertThatThrownBy(() -> HttpSettings.parse(Map.of(HttpSettings.ENABLE, "yes")))
                .hasMessageContaining(HttpSettings.ENABLE);
    }
}
