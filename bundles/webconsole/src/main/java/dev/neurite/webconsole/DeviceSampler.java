package dev.neurite.webconsole;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples the device with OSHI every few seconds and keeps a short history in memory, so the
 * Device page can chart the last minutes without a database.
 */
@Component(service = DeviceSampler.class, immediate = true)
public class DeviceSampler {

    static final int CAPACITY = 300;
    static final long PERIOD_MILLIS = 2000;

    /**
     * One sample.
     *
     * @param cpuLoad       system CPU load since the previous sample, 0 to 1
     * @param loadAverage1m one-minute load average, negative when the platform has none
     */
    record Sample(long timeMillis, double cpuLoad, double loadAverage1m, long memoryUsedBytes, long memoryTotalBytes,
                  long heapUsedBytes, long heapMaxBytes) {
    }

    private final HardwareAbstractionLayer hardware;
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private final int capacity;
    private long[] previousTicks;
    private ScheduledExecutorService timer;

    DeviceSampler(int capacity) {
        this.hardware = new SystemInfo().getHardware();
        this.capacity = capacity;
        this.previousTicks = hardware.getProcessor().getSystemCpuLoadTicks();
    }

    public DeviceSampler() {
        this(CAPACITY);
    }

    @Activate
    void activate() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "neurite-console-device-sampler");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::sample, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    /** Takes one sample now and adds it to the history. */
    synchronized Sample sample() {
        CentralProcessor cpu = hardware.getProcessor();
        double load = cpu.getSystemCpuLoadBetweenTicks(previousTicks);
        previousTicks = cpu.getSystemCpuLoadTicks();
        double[] average = cpu.getSystemLoadAverage(1);
        GlobalMemory memory = hardware.getMemory();
        Runtime jvm = Runtime.getRuntime();
        Sample s = new Sample(System.currentTimeMillis(), Double.isFinite(load) ? load : 0,
                average.length > 0 ? average[0] : -1, memory.getTotal() - memory.getAvailable(), memory.getTotal(),
                jvm.totalMemory() - jvm.freeMemory(), jvm.maxMemory());
        history.addLast(s);
        while (history.size() > capacity) {
            history.removeFirst();
        }
        return s;
    }

    synchronized List<Sample> history() {
        return List.copyOf(history);
    }

    /** What does not change: the processor, core count and operating system. */
    String processor() {
        return hardware.getProcessor().getProcessorIdentifier().getName().trim();
    }

    int logicalCores() {
        return hardware.getProcessor().getLogicalProcessorCount();
    }

    int physicalCores() {
        return hardware.getProcessor().getPhysicalProcessorCount();
    }
}
