package dev.neurite.runtime.compute;

import dev.neurite.api.accelerator.AcceleratorDescriptor;
import dev.neurite.api.accelerator.AcceleratorKind;
import dev.neurite.api.tensor.Backend;
import dev.neurite.api.tensor.Graph;
import dev.neurite.api.tensor.GraphInstance;
import dev.neurite.runtime.accelerator.JavaAccelerators;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The pure-Java backend, always present: steps compile into allocation-free plans over heap
 * arrays, run by a fixed pool of one thread per core, with GEMM kernels vectorized through
 * {@code jdk.incubator.vector} when the JVM has that module and scalar otherwise.
 */
@Component(service = Backend.class, property = Backend.NAME_PROPERTY + "=" + JavaBackend.NAME)
public final class JavaBackend implements Backend, AutoCloseable {

    public static final String NAME = "java";

    private final WorkerPool pool;
    private final boolean vector;
    private final AcceleratorDescriptor device;
    private final AtomicLong stepBufferBytes = new AtomicLong();

    /** One thread per available core; vector kernels when the module is present. */
    public JavaBackend() {
        this(Runtime.getRuntime().availableProcessors(), true);
    }

    /**
     * @param threads      threads for parallel kernels, the calling thread included
     * @param allowVector  use the Vector API if the JVM offers it; false forces scalar kernels
     */
    public JavaBackend(int threads, boolean allowVector) {
        this.pool = new WorkerPool(Math.max(1, threads));
        this.vector = allowVector && Simd.available();
        int cores = Runtime.getRuntime().availableProcessors();
        this.device = new AcceleratorDescriptor(JavaAccelerators.JAVA_CPU, AcceleratorKind.CPU,
                System.getProperty("os.arch") + " (" + cores + " cores)", NAME, Runtime.getRuntime().maxMemory(),
                pool.threads(), vector ? Simd.floatLanes() * 32 : 0);
    }

    /** Whether the Vector API can be used in this JVM at all. */
    public static boolean vectorAvailable() {
        return Simd.available();
    }

    /** Whether this instance uses the vector kernels. */
    public boolean vectorized() {
        return vector;
    }

    void countStepBuffer(long bytes) {
        stepBufferBytes.addAndGet(bytes);
    }

    /**
     * Bytes of step buffers (intermediate values, outputs and update snapshots: everything a
     * compiled step holds besides inputs and variables) allocated by this backend so far. For
     * benchmarks: the working set a trainer's steps need on top of its parameters and state.
     */
    public long stepBufferBytes() {
        return stepBufferBytes.get();
    }

    WorkerPool pool() {
        return pool;
    }

    /** Threads that run parallel kernels, the caller included. */
    public int threads() {
        return pool.threads();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public AcceleratorDescriptor device() {
        return device;
    }

    @Override
    public GraphInstance open(Graph graph) {
        return new JavaGraphInstance(this, graph);
    }

    @Deactivate
    @Override
    public void close() {
        pool.close();
    }

    @Override
    public String toString() {
        return "JavaBackend[" + pool.threads() + " threads, " + (vector ? Simd.floatLanes() + "-lane vectors" : "scalar")
                + "]";
    }
}
