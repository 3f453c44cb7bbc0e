package dev.neurite.runtime.shell;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorRegistry;
import dev.neurite.runtime.accelerator.Accelerators;
import dev.neurite.runtime.accelerator.CpuFacts;
import dev.neurite.api.algorithm.Hyperparameter;
import dev.neurite.api.algorithm.TrainingAlgorithm;
import dev.neurite.api.data.DatasetInfo;
import dev.neurite.api.job.InvalidRequestException;
import dev.neurite.api.job.JobInfo;
import dev.neurite.api.job.JobProgress;
import dev.neurite.api.model.ModelInfo;
import dev.neurite.api.model.ModelStore;
import dev.neurite.runtime.data.DataDirectoryRegistry;
import dev.neurite.runtime.jobs.JobManagerComponent;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Gogo commands in the {@code neurite} scope. Each returns text for the shell to print. */
@Component(service = NeuriteCommands.class, property = {
        "osgi.command.scope=neurite",
        "osgi.command.function=algorithms",
        "osgi.command.function=train",
        "osgi.command.function=jobs",
        "osgi.command.function=job",
        "osgi.command.function=cancel",
        "osgi.command.function=models",
        "osgi.command.function=datasets",
        "osgi.command.function=accelerators"})
public class NeuriteCommands {

    @Reference
    JobManagerComponent jobs;
    @Reference
    ModelStore models;
    @Reference
    DataDirectoryRegistry datasets;
    @Reference
    AcceleratorRegistry accelerators;

    @Descriptor("lists the installed training algorithms and their hyperparameters")
    public String algorithms() {
        StringBuilder out = new StringBuilder();
        List<TrainingAlgorithm> list = jobs.algorithms();
        if (list.isEmpty()) {
            return "no algorithms installed\n";
        }
        for (TrainingAlgorithm a : list) {
            out.append(a.name()).append(' ').append(a.version()).append(" - ").append(a.description()).append('\n');
            for (Hyperparameter h : a.hyperparameters()) {
                out.append(String.format("    %-22s %-7s default %-10s %s%s%n", h.name(), h.type().name().toLowerCase(),
                        h.defaultValue(), h.description(), h.choices().isEmpty() ? "" : " " + h.choices()));
            }
        }
        return out.toString();
    }

    @Descriptor("starts a training job: neurite:train <algorithm> [dataset=mnist/train] [test=mnist/test] "
            + "[hidden=1000,1000] [activation=relu] [seed=1] [name=model] [device=id] [hyperparameter=value ...]")
    public String train(@Descriptor("algorithm name") String algorithm,
                        @Descriptor("key=value settings") String... settings) {
        try {
            JobInfo info = jobs.submit(TrainArguments.parse(algorithm, settings, datasets));
            return "submitted " + info.id() + " (" + info.state() + ")\n";
        } catch (InvalidRequestException e) {
            return "refused: " + e.getMessage() + "\n";
        }
    }

    @Descriptor("lists jobs, newest first")
    public String jobs() {
        List<JobInfo> list = jobs.list();
        if (list.isEmpty()) {
            return "no jobs\n";
        }
        StringBuilder out = new StringBuilder(String.format("%-22s %-16s %-10s %-14s %-10s %s%n",
                "ID", "ALGORITHM", "STATE", "STEP", "LOSS", "REASON"));
        for (JobInfo j : list) {
            JobProgress p = j.progress();
            out.append(String.format("%-22s %-16s %-10s %-14s %-10s %s%n", j.id(), j.request().algorithm(), j.state(),
                    p == null ? "-" : p.step() + "/" + p.totalSteps(), p == null ? "-" : String.format("%.4f", p.loss()),
                    j.reason()));
        }
        return out.toString();
    }

    @Descriptor("shows one job with its latest progress and log")
    public String job(@Descriptor("job id") String id) {
        Optional<JobInfo> found = jobs.get(id);
        if (found.isEmpty()) {
            return "no job " + id + "\n";
        }
        JobInfo j = found.get();
        StringBuilder out = new StringBuilder();
        out.append("id:          ").append(j.id()).append('\n');
        out.append("algorithm:   ").append(j.request().algorithm()).append(j.algorithmVersion() == null ? "" : " " + j.algorithmVersion()).append('\n');
        out.append("state:       ").append(j.state()).append(" - ").append(j.reason()).append('\n');
        out.append("data:        ").append(j.request().trainDataset()).append(j.request().testDataset() == null ? "" : " / " + j.request().testDataset()).append('\n');
        out.append("created:     ").append(j.createdAt()).append('\n');
        if (j.startedAt() != null) {
            out.append("started:     ").append(j.startedAt()).append(j.resumedFromStep() > 0 ? " (resumed from step " + j.resumedFromStep() + ")" : "").append('\n');
        }
        if (j.endedAt() != null) {
            out.append("ended:       ").append(j.endedAt()).append('\n');
        }
        JobProgress p = j.progress();
        if (p != null) {
            out.append(String.format("progress:    epoch %d/%d, step %d/%d, loss %.5f, %.0f samples/s, eta %.0f s%n",
                    p.epoch(), p.epochs(), p.step(), p.totalSteps(), p.loss(), p.samplesPerSecond(), p.etaSeconds()));
            if (!p.metrics().isEmpty()) {
                out.append("metrics:     ").append(p.metrics()).append('\n');
            }
        }
        if (j.model() != null) {
            out.append("model:       ").append(j.model()).append('\n');
        }
        List<String> log = jobs.log(id);
        out.append("log (last ").append(Math.min(15, log.size())).append(" lines):\n");
        log.subList(Math.max(0, log.size() - 15), log.size()).forEach(l -> out.append("  ").append(l).append('\n'));
        return out.toString();
    }

    @Descriptor("cancels a queued or running job")
    public String cancel(@Descriptor("job id") String id) {
        return jobs.cancel(id, "cancelled from the shell")
                .map(j -> j.id() + " " + j.state() + " - " + j.reason() + "\n")
                .orElse("no job " + id + "\n");
    }

    @Descriptor("lists stored models")
    public String models() throws IOException {
        List<ModelInfo> list = models.list();
        if (list.isEmpty()) {
            return "no models\n";
        }
        StringBuilder out = new StringBuilder(String.format("%-30s %-16s %-26s %-10s %s%n", "MODEL", "ALGORITHM", "CREATED", "BYTES", "METRICS"));
        for (ModelInfo m : list) {
            out.append(String.format("%-30s %-16s %-26s %-10d %s%n", m.reference(), m.algorithm(), m.createdAt(), m.sizeBytes(),
                    m.metrics().entrySet().stream().map(e -> e.getKey() + "=" + String.format("%.4f", e.getValue()))
                            .collect(Collectors.joining(" "))));
        }
        return out.toString();
    }

    @Descriptor("lists datasets found in the data directories")
    public String datasets() {
        StringBuilder out = new StringBuilder(String.format("%-26s %-10s %-9s %s%n", "DATASET", "FORMAT", "VERIFIED", "SOURCE"));
        for (DatasetInfo d : datasets.list()) {
            out.append(String.format("%-26s %-10s %-9s %s%n", d.name(), d.format(), d.verified() ? "sha256" : "no", d.source()));
        }
        out.append("data directories: ").append(datasets.directories()).append('\n');
        return out.toString();
    }

    @Descriptor("lists compute devices, the host CPU's facts and the jobs placed on each device")
    public String accelerators() {
        StringBuilder out = new StringBuilder(String.format("%-34s %-5s %-11s %-6s %-6s %-10s %-9s %s%n", "ID", "KIND",
                "BACKEND", "CORES", "SIMD", "MEMORY_MB", "JOBS", "NAME"));
        Accelerators placer = accelerators instanceof Accelerators a ? a : null;
        for (AcceleratorDescriptor a : accelerators.list()) {
            String jobs = placer == null ? "-" : placer.running(a.id()) + "/" + placer.slots(a);
            out.append(String.format("%-34s %-5s %-11s %-6d %-6s %-10d %-9s %s%n", a.id(), a.kind(), a.backend(),
                    a.cores(), a.simdWidthBits() > 0 ? a.simdWidthBits() : "-", a.memoryBytes() / (1024 * 1024), jobs,
                    a.name()));
        }
        if (placer != null) {
            CpuFacts cpu = placer.cpu();
            out.append(String.format("host CPU: %s, %d physical / %d logical cores, %d MiB, SIMD %s (facts from %s)%n",
                    cpu.model(), cpu.physicalCores(), cpu.logicalCores(), cpu.memoryBytes() >> 20, cpu.simdFlags(),
                    cpu.source()));
            Accelerators.Limits l = placer.limits();
            out.append(String.format("limits: %d jobs per CPU, %d per GPU, %.0f%% of device memory%n", l.cpuJobs(),
                    l.gpuJobs(), 100 * l.memoryFraction()));
        }
        return out.toString();
    }
}
