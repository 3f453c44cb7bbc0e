package dev.neurite.readiness;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadinessTest {

    @Test
    void splitsNamesAndFiltersAtTopLevelCommasOnly() {
        assertEquals(List.of("a.B", "(&(objectClass=x.Y)(|(k=1)(k=2)))", "c.D"),
                Readiness.split(" a.B , (&(objectClass=x.Y)(|(k=1)(k=2))),c.D,, "));
        assertEquals(List.of("(name=a,b)"), Readiness.split("(name=a,b)"));
        assertEquals(List.of(), Readiness.split(" "));
    }
}
