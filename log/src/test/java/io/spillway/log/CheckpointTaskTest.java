package io.spillway.log;

import io.spillway.storage.Locations;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointTaskTest {

    @Test
    void aCheckpointIsDueWhenTheTailWouldCostAboutAsMuchToReplayOrTheLogRolledOrTenRunsPassed() {
        long at = Locations.of(3, 1000);
        assertThat(CheckpointTask.due(-1, at, 0, 1)).as("none yet").isTrue();
        assertThat(CheckpointTask.due(at, Locations.of(3, 2000), 100, 1)).as("a small tail").isFalse();
        assertThat(CheckpointTask.due(at, Locations.of(3, 1000 + CheckpointTask.MIN_TAIL_BYTES), 100, 1)).isTrue();
        long big = 100L << 20;
        assertThat(CheckpointTask.due(at, Locations.of(3, 1000 + (20L << 20)), big, 1))
                .as("a tail under a quarter of the checkpoint").isFalse();
        assertThat(CheckpointTask.due(at, Locations.of(3, 1000 + big / 4), big, 1)).isTrue();
        assertThat(CheckpointTask.due(at, Locations.of(4, 16), big, 1)).as("the log rolled").isTrue();
        assertThat(CheckpointTask.due(at, Locations.of(3, 2000), big, CheckpointTask.MAX_SKIPPED_RUNS))
                .as("ten runs since").isTrue();
    }
}
