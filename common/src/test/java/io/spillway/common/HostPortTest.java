package io.spillway.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostPortTest {
    @Test
    void ipv6HostsAreBracketedOthersAreNot() {
        assertThat(HostPort.format("127.0.0.1", 9092)).isEqualTo("127.0.0.1:9092");
        assertThat(HostPort.format("::1", 9092)).isEqualTo("[::1]:9092");
        assertThat(HostPort.format("0:0:0:0:0:0:0:1", 1)).isEqualTo("[0:0:0:0:0:0:0:1]:1");
        assertThat(HostPort.format("[::1]", 2)).isEqualTo("[::1]:2");
        assertThat(HostPort.format("", 9092)).isEqualTo(":9092");
        assertThat(HostPort.format("broker.example", 9093)).isEqualTo("broker.example:9093");
    }
}
