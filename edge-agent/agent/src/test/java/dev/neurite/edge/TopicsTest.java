package dev.neurite.edge;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicsTest {

    @Test
    void topicsFollowTheProtocolLayout() {
        Topics t = new Topics("gw-042");
        assertEquals("neurite/v1/gw-042/cmd/jobs/start", t.command("jobs", "start"));
        assertEquals("neurite/v1/gw-042/cmd/+/+", t.commandFilter());
        assertEquals("neurite/v1/gw-042/reply/r1", t.reply("r1"));
        assertEquals("neurite/v1/gw-042/state", t.state());
        assertEquals("neurite/v1/gw-042/jobs/job-1/progress", t.jobProgress("job-1"));
        assertEquals("neurite/v1/fleet/north/cmd/+/+", Topics.fleetCommandFilter("north"));
    }

    @Test
    void wildcardsAndSeparatorsCannotSmuggleLevels() {
        for (String bad : new String[] {"a/b", "+", "#", "", "x".repeat(129), "space here"}) {
            assertThrows(IllegalArgumentException.class, () -> new Topics(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new Topics("gw").command("jobs", "#"));
    }
}
