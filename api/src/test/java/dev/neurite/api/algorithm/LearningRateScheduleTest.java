package dev.neurite.api.algorithm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearningRateScheduleTest {

    @Test
    void eachScheduleStartsAtTheBaseRateAndEndsWhereItSays() {
        long total = 1000;
        for (LearningRateSchedule s : LearningRateSchedule.values()) {
            assertEquals(1.0, s.factor(0, total), 1e-12, s.id());
        }
        assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(total, total), 1e-12);
        assertEquals(0.0, LearningRateSchedule.LINEAR.factor(total, total), 1e-12);
        assertEquals(0.0, LearningRateSchedule.COSINE.factor(total, total), 1e-12);
        assertEquals(0.0, LearningRateSchedule.CONSTANT_THEN_LINEAR.factor(total, total), 1e-12);
        assertEquals(0.0, LearningRateSchedule.LINEAR.factor(5 * total, total), 1e-12, "past the end stays at the end");
    }

    @Test
    void halfwayValuesMatchTheirDefinitions() {
        assertEquals(0.5, LearningRateSchedule.LINEAR.factor(500, 1000), 1e-12);
        assertEquals(0.5, LearningRateSchedule.COSINE.factor(500, 1000), 1e-12);
        assertEquals(1.0, LearningRateSchedule.CONSTANT_THEN_LINEAR.factor(499, 1000), 1e-12);
        assertEquals(0.5, LearningRateSchedule.CONSTANT_THEN_LINEAR.factor(750, 1000), 1e-12);
        assertTrue(LearningRateSchedule.COSINE.factor(250, 1000) > LearningRateSchedule.LINEAR.factor(250, 1000));
    }

    @Test
    void idsNameEverySchedule() {
        assertEquals(List.of("constant", "linear", "cosine", "constant-then-linear"), LearningRateSchedule.ids());
        for (String id : LearningRateSchedule.ids()) {
            assertEquals(id, LearningRateSchedule.of(id).id());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.of("step"));
        assertTrue(e.getMessage().contains("constant-then-linear"), e.getMessage());
    }
}
