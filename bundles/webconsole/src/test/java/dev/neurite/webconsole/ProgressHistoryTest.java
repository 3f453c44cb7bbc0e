package dev.neurite.webconsole;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressHistoryTest {

    private static ProgressHistory.Point at(long step) {
        return new ProgressHistory.Point(step, 1, 1.0 / step, Map.of(), step);
    }

    @Test
    void aLongRunIsThinnedButStillSpansFromFirstToLastStep() {
        ProgressHistory history = new ProgressHistory();
        for (long step = 1; step <= 5 * ProgressHistory.MAX_POINTS; step++) {
            history.add("job", at(step));
        }
        List<ProgressHistory.Point> points = history.points("job", null);
        assertTrue(points.size() <= ProgressHistory.MAX_POINTS, "kept " + points.size());
        assertTrue(points.size() >= ProgressHistory.MAX_POINTS / 4, "kept " + points.size());
        assertEquals(1, points.get(0).step());
        assertEquals(5L * ProgressHistory.MAX_POINTS, points.get(points.size() - 1).step());
    }

    @Test
    void aResumedJobRestartsItsSeriesAtTheCheckpoint() {
        ProgressHistory history = new ProgressHistory();
        for (long step = 10; step <= 50; step += 10) {
            history.add("job", at(step));
        }
        history.add("job", at(30));
        assertEquals(List.of(10L, 20L, 30L), history.points("job", null).stream().map(ProgressHistory.Point::step).toList());
    }

    @Test
    void onlyRecentJobsAreKept() {
        ProgressHistory history = new ProgressHistory();
        for (int i = 0; i <= ProgressHistory.MAX_JOBS; i++) {
            history.add("job-" + i, at(1));
        }
        assertTrue(history.points("job-0", null).isEmpty());
        assertEquals(1, history.points("job-" + ProgressHistory.MAX_JOBS, null).size());
    }
}
