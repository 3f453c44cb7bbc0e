package dev.neurite.api.algorithm;

import dev.neurite.api.job.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HyperparametersTest {

    private static final List<Hyperparameter> DECLARED = List.of(
            Hyperparameter.ofInt("epochs", 3, 1, 100, "passes"),
            Hyperparameter.ofDouble("learningRate", 0.1, 1e-6, 10, "step size"),
            Hyperparameter.ofBoolean("peerNorm", false, "peer normalisation"),
            Hyperparameter.ofChoice("inference", "goodness", List.of("goodness", "softmax"), "readout"));

    @Test
    void defaultsFillWhatIsNotGiven() {
        Hyperparameters hp = Hyperparameters.resolve(DECLARED, Map.of("epochs", "7"));
        assertEquals(7, hp.getInt("epochs"));
        assertEquals(0.1, hp.getDouble("learningRate"));
        assertEquals(false, hp.getBoolean("peerNorm"));
        assertEquals("goodness", hp.getString("inference"));
        assertEquals("7", hp.asStrings().get("epochs"));
    }

    @Test
    void valuesAreParsedByType() {
        Hyperparameters hp = Hyperparameters.resolve(DECLARED,
                Map.of("learningRate", " 0.003 ", "peerNorm", "TRUE", "inference", "softmax"));
        assertEquals(0.003, hp.getDouble("learningRate"));
        assertTrue(hp.getBoolean("peerNorm"));
        assertEquals("softmax", hp.getString("inference"));
    }

    @Test
    void badValuesNameTheirField() {
        assertField("epochs", Map.of("epochs", "three"));
        assertField("epochs", Map.of("epochs", "0"));
        assertField("epochs", Map.of("epochs", "101"));
        assertField("learningRate", Map.of("learningRate", "NaN"));
        assertField("learningRate", Map.of("learningRate", "11"));
        assertField("peerNorm", Map.of("peerNorm", "yes"));
        assertField("inference", Map.of("inference", "vote"));
        assertField("momentum", Map.of("momentum", "0.9"));
    }

    private static void assertField(String field, Map<String, String> given) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> Hyperparameters.resolve(DECLARED, given));
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + ": "), e.getMessage());
    }
}
