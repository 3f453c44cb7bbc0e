package dev.neurite.webconsole;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.api.accelerator.AcceleratorUsage;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobManager;
import dev.neurite.api.job.JobProgress;
import dev.neurite.api.job.JobRequest;
import dev.neurite.api.job.JobState;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class AcceleratorsPluginTest {

    @Test
    void devicesShowTheirUsageAndJobsWherePlaced() throws Exception {
        AcceleratorRegistry registry = mock(AcceleratorRegistry.class);
        AcceleratorDescriptor cpu = new AcceleratorDescriptor("java:cpu:0", AcceleratorKind.CPU, "Test CPU", "java", 8L << 30, 4, 512);
        when(registry.list()).thenReturn(List.of(cpu));
        when(registry.usage("java:cpu:0")).thenReturn(Optional.of(new AcceleratorUsage(1, 2, 1L << 30, 4L << 30)));
        JobManager jobs = mock(JobManager.class);
        JobInfo running = new JobInfo("job-7", new JobRequest("dfa", "mnist/train", null, null, Map.of(), 1, null, "gpu"), "1.0.0",
                JobState.RUNNING, "fell back to java:cpu:0 (asked for 'gpu'): no GPU is present", Instant.now(), Instant.now(), null,
                new JobProgress(1, 1, 1, 10, 1, Map.of(), 1, 1, 0), null, 0, "java:cpu:0");
        when(jobs.list()).thenReturn(List.of(running));
        AcceleratorsPlugin plugin = new AcceleratorsPlugin(registry, jobs);

        Browser.Exchange page = new Browser().get("/" + AcceleratorsPlugin.LABEL);
        plugin.renderContent(page.request, page.response);
        String html = page.body();
        assertTrue(html.contains("1 of 2 running"), html);
        assertTrue(html.contains("1.0 GiB of 4.0 GiB") || html.contains("1024.0 MiB of 4096.0 MiB"), html);
        assertTrue(html.contains("<span style='width:50%'>"), html);
        assertTrue(html.contains("fell back to java:cpu:0 (asked for &#39;gpu&#39;): no GPU is present"), html);

        Browser.Exchange json = new Browser().get("/" + AcceleratorsPlugin.LABEL + "/accelerators.json");
        plugin.doGet(json.request, json.response);
        JsonObject device = JsonParser.parseString(json.body()).getAsJsonObject().getAsJsonArray("devices").get(0).getAsJsonObject();
        assertEquals(2, device.getAsJsonObject("usage").get("jobSlots").getAsInt());
        assertEquals("job-7", device.getAsJsonArray("jobs").get(0).getAsString());
    }
}
