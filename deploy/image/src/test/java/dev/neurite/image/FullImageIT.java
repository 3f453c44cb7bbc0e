package dev.neurite.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The full image brings TensorFlow: its CPU device is listed and a backprop job trains on it. */
@Timeout(600)
class FullImageIT extends ImageTestSupport {

    private static final String TF_CPU = "tf:/device:CPU:0";

    @Test
    void listsTheTensorFlowDeviceAndTrainsBackpropOnIt() throws Exception {
        Path jar = RuntimeProcess.built("neurite.image.full", "target/neurite-full.jar");
        Path datasets = datasets();
        Path home = temp.resolve("home");
        RuntimeProcess rt = start(jar, home, Map.of("neurite.data.dirs", datasets.toString()));
        // The first start unpacks the TF bundle (about 170 MB) into the framework cache.
        Matcher ready = rt.awaitReady(Duration.ofSeconds(300));
        double startSeconds = (System.nanoTime() - rt.launchedNanos) / 1e9;

        // TF registers its devices once its natives are extracted and loaded (after "ready").
        String accelerators = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline && !accelerators.contains(TF_CPU)) {
            Thread.sleep(1000);
            accelerators = rt.shell("neurite:accelerators", COMMAND_TIMEOUT);
        }
        assertTrue(Pattern.compile("(?m)^" + Pattern.quote(TF_CPU) + "\\s+\\S+\\s+tensorflow\\s").matcher(accelerators).find(),
                "no TensorFlow CPU device listed:\n" + accelerators);

        // Short on purpose: one epoch of a small net on MNIST, placed on the TF device by id.
        String id = submit(rt, "neurite:train backprop dataset=mnist/train test=mnist/test hidden=64 epochs=1 batchSize=128 "
                + "learningRate=0.05 momentum=0.9 name=tf-digits device=" + TF_CPU);
        String job = awaitJobState(rt, id, Duration.ofSeconds(240), "SUCCEEDED", "FAILED", "CANCELLED");
        assertEquals("SUCCEEDED", state(job), job);
        assertTrue(job.contains(" on " + TF_CPU), "the job ran on the TF device:\n" + job);

        String models = rt.shell("neurite:models", COMMAND_TIMEOUT);
        Matcher model = Pattern.compile("(?m)^" + Pattern.quote("tf-digits") + ":1\\s+backprop\\s+.*test\\.accuracy=([0-9.]+)").matcher(models);
        assertTrue(model.find(), models);
        double accuracy = Double.parseDouble(model.group(1));
        // One epoch of a 784-64-10 net reaches about 0.95; chance is 0.10.
        assertTrue(accuracy > 0.85 && accuracy < 1.0, "test accuracy " + accuracy);

        System.out.println(String.format(Locale.ROOT, "IMAGE-METRICS image=full start_s=%.2f ready_reported_s=%s rss_after_job_mb=%.1f jar_mb=%.1f",
                startSeconds, ready.group(1), rt.rssKib() / 1024.0, ImageArchiveIT.mib(jar)));
    }
}
