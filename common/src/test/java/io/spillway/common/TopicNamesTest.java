package io.spillway.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "a", "a.b_c-D9", "/s:t", "/apps/fraud:card-activity", "/a.b/c_d/e-f:g.h",
        "/..a/b..:...x"})
    void validNames(String name) {
        assertThat(TopicNames.problem(name)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''|is empty",
        ".|cannot be",
        "..|cannot be",
        "../..|contains '/'",
        "a b|contains ' '",
        "a:b|contains ':'",
        "/apps/fraud|names a stream, not a topic",
        "/a:b:c|more than one ':'",
        "/a:|after ':' is empty",
        "/:t|must start with '/' and name at least one segment",
        "/a//b:t|empty segment",
        "/a/:t|empty segment",
        "/a/./b:t|has a \".\" segment",
        "/a/..:t|has a \"..\" segment",
        "/a b:t|contains ' '",
        "/a:t/u|the topic contains '/'",
        "/a:..|cannot be"})
    void invalidNamesSayWhy(String name, String reason) {
        assertThat(TopicNames.problem(name)).contains(reason);
    }

    @Test
    void internalTopicsAreKafkasTwoAndEachStreamsOffsetsTopic() {
        assertThat(TopicNames.isInternal("__consumer_offsets")).isTrue();
        assertThat(TopicNames.isInternal("__transaction_state")).isTrue();
        assertThat(TopicNames.isInternal("/apps/fraud:__consumer_offsets")).isTrue();
        assertThat(TopicNames.isStreamOffsetsTopic("/apps/fraud:__consumer_offsets")).isTrue();
        assertThat(TopicNames.isStreamOffsetsTopic("__consumer_offsets")).as("the default stream's is Kafka's").isFalse();
        assertThat(TopicNames.isInternal("/apps/fraud:x__consumer_offsets")).isFalse();
        assertThat(TopicNames.isInternal("/apps/fraud:__transaction_state")).isFalse();
        assertThat(TopicNames.isInternal("__other")).isFalse();
        assertThat(TopicNames.isInternal("/apps/fraud")).isFalse();
        assertThat(TopicNames.offsetsTopicOf("/apps/fraud")).isEqualTo("/apps/fraud:__consumer_offsets");
    }

    @Test
    void theShareStateTopicIsInternalAtHomeAndInEachStream() {
        assertThat(TopicNames.isInternal("__share_group_state")).isTrue();
        assertThat(TopicNames.isInternal("/apps/fraud:__share_group_state")).isTrue();
        assertThat(TopicNames.isStreamShareStateTopic("/apps/fraud:__share_group_state")).isTrue();
        assertThat(TopicNames.isStreamShareStateTopic("__share_group_state")).isFalse();
        assertThat(TopicNames.isStreamInternalTopic("/apps/fraud:__share_group_state")).isTrue();
        assertThat(TopicNames.isStreamInternalTopic("/apps/fraud:__consumer_offsets")).isTrue();
        assertThat(TopicNames.isStreamInternalTopic("/apps/fraud:__share_group_statex")).isFalse();
        assertThat(TopicNames.isInternal("/apps/fraud:x__share_group_state")).isFalse();
        assertThat(TopicNames.shareStateTopicOf("/apps/fraud")).isEqualTo("/apps/fraud:__share_group_state");
    }

    @Test
    void lengthLimits() {
        assertThat(TopicNames.problem("t".repeat(249))).isNull();
        assertThat(TopicNames.problem("t".repeat(250))).contains("longer than 249");
        assertThat(TopicNames.problem("/s:" + "t".repeat(249))).isNull();
        assertThat(TopicNames.problem("/s:" + "t".repeat(250))).contains("longer than 249");
        assertThat(TopicNames.problem("/" + "s".repeat(511) + ":t")).isNull();
        assertThat(TopicNames.problem("/" + "s".repeat(512) + ":t")).contains("longer than 512");
    }

    @Test
    void dotAndUnderscoreCollideWithinAStream() {
        assertThat(TopicNames.collisionKey("a.b")).isEqualTo(TopicNames.collisionKey("a_b"));
        assertThat(TopicNames.collisionKey("/s:a.b")).isEqualTo(TopicNames.collisionKey("/s:a_b"));
        assertThat(TopicNames.collisionKey("/s:a.b")).isNotEqualTo(TopicNames.collisionKey("/t:a_b"))
                .isNotEqualTo(TopicNames.collisionKey("a_b"));
        assertThat(TopicNames.collisionKey("/s.x:ab")).as("only the topic part counts").isNull();
        assertThat(TopicNames.collisionKey("plain")).isNull();
    }
}
