package dev.neurite.tensorflow;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.internal.c_api.TFE_Context;
import org.tensorflow.internal.c_api.TFE_ContextOptions;
import org.tensorflow.internal.c_api.TF_DeviceList;
import org.tensorflow.internal.c_api.TF_Status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.tensorflow.internal.c_api.global.tensorflow.TFE_ContextListDevices;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_DeleteContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContext;
import static org.tensorflow.internal.c_api.global.tensorflow.TFE_NewContextOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteDeviceList;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteStatus;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListCount;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListMemoryBytes;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListName;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeviceListType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_GetCode;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_Message;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewStatus;

/**
 * Loads TF's natives (once per process; JavaCPP extracts them into a cache directory) and
 * lists the devices TF sees.
 */
public final class TensorFlowRuntime {

    /** JavaCPP's system property for the directory natives are extracted to. */
    public static final String CACHE_DIR_PROPERTY = "org.bytedeco.javacpp.cachedir";

    /** Prefix of TF device ids in the accelerator registry. */
    public static final String ID_PREFIX = "tf:";

    private static volatile String version;

    private TensorFlowRuntime() {
    }

    /**
     * Loads TF, extracting natives into {@code cacheDir} unless JavaCPP was already told
     * where (the system property wins: the process has one cache) or TF is already loaded.
     *
     * @return TF's version
     */
    public static synchronized String load(Path cacheDir) throws IOException {
        if (version == null) {
            if (cacheDir != null && System.getProperty(CACHE_DIR_PROPERTY) == null) {
                Files.createDirectories(cacheDir);
                System.setProperty(CACHE_DIR_PROPERTY, cacheDir.toAbsolutePath().toString());
            }
            version = TensorFlow.version();
        }
        return version;
    }

    /** The devices TF sees, CPUs first, as registry entries of backend {@code tensorflow}. */
    public static List<AcceleratorDescriptor> devices() {
        List<AcceleratorDescriptor> out = new ArrayList<>();
        TF_Status status = TF_NewStatus();
        TFE_ContextOptions options = TFE_NewContextOptions();
        TFE_Context context = null;
        TF_DeviceList list = null;
        try {
            context = TFE_NewContext(options, status);
            check(status);
            list = TFE_ContextListDevices(context, status);
            check(status);
            int n = TF_DeviceListCount(list);
            for (int i = 0; i < n; i++) {
                String name = string(TF_DeviceListName(list, i, status));
                String type = string(TF_DeviceListType(list, i, status));
                long memory = TF_DeviceListMemoryBytes(list, i, status);
                check(status);
                AcceleratorKind kind = "GPU".equals(type) ? AcceleratorKind.GPU : AcceleratorKind.CPU;
                if (!"CPU".equals(type) && !"GPU".equals(type)) {
                    continue;
                }
                int cores = kind == AcceleratorKind.CPU ? Runtime.getRuntime().availableProcessors() : 0;
                long bytes = kind == AcceleratorKind.CPU ? Math.max(memory, physicalMemory()) : memory;
                out.add(new AcceleratorDescriptor(ID_PREFIX + shortName(name), kind,
                        "TensorFlow " + version + " " + type + " " + shortName(name), TfBackend.NAME, bytes, cores, 0));
            }
        } finally {
            if (list != null) {
                TF_DeleteDeviceList(list);
            }
            if (context != null) {
                TFE_DeleteContext(context);
            }
            TFE_DeleteContextOptions(options);
            TF_DeleteStatus(status);
        }
        out.sort(Comparator.comparing((AcceleratorDescriptor d) -> d.kind() == AcceleratorKind.GPU)
                .thenComparing(AcceleratorDescriptor::id));
        return out;
    }

    /** {@code /job:localhost/replica:0/task:0/device:CPU:0} → {@code /device:CPU:0}. */
    static String shortName(String full) {
        int at = full.indexOf("/device:");
        return at >= 0 ? full.substring(at) : full;
    }

    private static String string(BytePointer p) {
        return p == null ? "" : p.getString();
    }

    private static void check(TF_Status status) {
        if (TF_GetCode(status) != 0) {
            throw new IllegalStateException("TensorFlow: " + string(TF_Message(status)));
        }
    }

    /** Physical memory from /proc/meminfo where there is one, else 0. */
    private static long physicalMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to what TF reports
        }
        return 0;
    }
}
