package dev.neurite.edge.core;

import com.google.gson.JsonObject;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.Sensors;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Device metrics from OSHI: CPU load since the previous sample, load average, memory, JVM
 * heap, disk space of the runtime's home, and CPU temperature where the platform reports
 * one. Values a platform cannot give are left out rather than reported as zero.
 */
public final class SystemMetrics implements Supplier<JsonObject> {

    private final HardwareAbstractionLayer hardware;
    private final Path disk;
    private long[] previousTicks;

    public SystemMetrics(Path disk) {
        this.hardware = new SystemInfo().getHardware();
        this.disk = disk;
        this.previousTicks = hardware.getProcessor().getSystemCpuLoadTicks();
    }

    public HardwareAbstractionLayer hardware() {
        return hardware;
    }

    @Override
    public synchronized JsonObject get() {
        JsonObject m = new JsonObject();
        CentralProcessor cpu = hardware.getProcessor();
        JsonObject c = new JsonObject();
        double load = cpu.getSystemCpuLoadBetweenTicks(previousTicks);
        previousTicks = cpu.getSystemCpuLoadTicks();
        c.addProperty("load", round(load));
        c.addProperty("cores", cpu.getLogicalProcessorCount());
        double[] average = cpu.getSystemLoadAverage(1);
        if (average.length > 0 && average[0] >= 0) {
            c.addProperty("loadAverage1m", round(average[0]));
        }
        Sensors sensors = hardware.getSensors();
        double temperature = sensors.getCpuTemperature();
        if (temperature > 0 && Double.isFinite(temperature)) {
            c.addProperty("temperatureC", round(temperature));
        }
        m.add("cpu", c);

        GlobalMemory memory = hardware.getMemory();
        JsonObject mem = new JsonObject();
        mem.addProperty("totalBytes", memory.getTotal());
        mem.addProperty("availableBytes", memory.getAvailable());
        m.add("memory", mem);

        Runtime rt = Runtime.getRuntime();
        JsonObject jvm = new JsonObject();
        jvm.addProperty("heapUsedBytes", rt.totalMemory() - rt.freeMemory());
        jvm.addProperty("heapMaxBytes", rt.maxMemory());
        jvm.addProperty("threads", Thread.activeCount());
        jvm.addProperty("uptimeMillis", ManagementFactory.getRuntimeMXBean().getUptime());
        m.add("jvm", jvm);

        if (disk != null) {
            try {
                FileStore store = Files.getFileStore(disk);
                JsonObject d = new JsonObject();
                d.addProperty("path", disk.toString());
                d.addProperty("totalBytes", store.getTotalSpace());
                d.addProperty("usableBytes", store.getUsableSpace());
                m.add("disk", d);
            } catch (IOException | SecurityException e) {
                // no disk figures this time
            }
        }
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
