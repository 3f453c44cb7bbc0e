package dev.neurite.runtime.shell;

import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.model.Activation;
import dev.neurite.runtime.TestData;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainArgumentsTest {

    private final DataDirectoryRegistry datasets = new DataDirectoryRegistry(List.of(TestData.datasets()));

    @Test
    void requestKeysAreTakenAndTheRestAreHyperparameters() {
        JobRequest r = TrainArguments.parse("backprop", new String[] {"dataset=fashion-mnist/train", "hidden=100,50",
                "activation=tanh", "seed=9", "name=shoes", "epochs=2", "learningRate=0.05"}, datasets);
        assertEquals("backprop", r.algorithm());
        assertEquals("fashion-mnist/train", r.trainDataset());
        assertEquals("fashion-mnist/test", r.testDataset(), "the matching test split is found");
        assertEquals("784-100(tanh)-50(tanh)-10(softmax)", r.model().describe());
        assertEquals(Activation.TANH, r.model().layers().get(0).activation());
        assertEquals(9, r.seed());
        assertEquals("shoes", r.modelName());
        assertEquals(Map.of("epochs", "2", "learningRate", "0.05"), r.hyperparameters());
    }

    @Test
    void defaultsAreMnistWithTheAlgorithmsOwnModel() {
        JobRequest r = TrainArguments.parse("softmax-regression", new String[0], datasets);
        assertEquals("mnist/train", r.trainDataset());
        assertEquals("mnist/test", r.testDataset());
        assertNull(r.model());
        assertNull(TrainArguments.parse("x", new String[] {"dataset=blobs/train", "test=none"}, datasets).testDataset());
    }

    @Test
    void malformedWordsNameTheirField() {
        assertField(null, "epochs");
        assertField("seed", "seed=abc");
        assertField("hidden", "hidden=10,x");
        assertField("hidden", "hidden=0");
        assertField("activation", "hidden=10", "activation=swish");
        assertField("activation", "activation=relu");
    }

    private void assertField(String field, String... words) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> TrainArguments.parse("backprop", words, datasets));
        assertEquals(field, e.field(), e.getMessage());
    }
}
