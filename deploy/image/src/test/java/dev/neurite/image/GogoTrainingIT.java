package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A newcomer's first steps: train on MNIST from the Gogo shell and find the model. */
@Timeout(240)
class GogoTrainingIT extends ImageTestSupport {

    @Test
    void trainsSoftmaxRegressionOnMnistFromTheShell() throws Exception {
        Path datasets = datasets();
        Path home = temp.resolve("home");
        // A -D system property reaches the framework: the bnd launcher passes them through.
        RuntimeProcess rt = start(home, Map.of("neurite.data.dirs", datasets.toString()));
        rt.awaitReady(READY_TIMEOUT);

        String listed = rt.shell("neurite:datasets", COMMAND_TIMEOUT);
        assertTrue(listed.contains("data directories: [" + datasets + "]"), listed);
        assertTrue(Pattern.compile("(?m)^mnist/train\\s+idx\\s+sha256").matcher(listed).find(), listed);

        String id = submit(rt, "neurite:train softmax-regression dataset=mnist/train epochs=1");
        String job = awaitJobState(rt, id, Duration.ofSeconds(150), "SUCCEEDED", "FAILED", "CANCELLED");
        assertEquals("SUCCEEDED", state(job), job);
        assertTrue(job.contains("data:        mnist/train / mnist/test"), job);

        String models = rt.shell("neurite:models", COMMAND_TIMEOUT);
        Matcher model = Pattern.compile("(?m)^" + Pattern.quote(id) + ":1\\s+softmax-regression\\s+.*test\\.accuracy=([0-9.]+)")
                .matcher(models);
        assertTrue(model.find(), models);
        double accuracy = Double.parseDouble(model.group(1));
        // One epoch of softmax regression reaches about 0.92 on MNIST; chance is 0.10.
        assertTrue(accuracy > 0.85 && accuracy < 1.0, "test accuracy " + accuracy);
        try (var stored = Files.list(home.resolve("models"))) {
            assertTrue(stored.findAny().isPresent(), "nothing stored under " + home.resolve("models"));
        }
    }
}
