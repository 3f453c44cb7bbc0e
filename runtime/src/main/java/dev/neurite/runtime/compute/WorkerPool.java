package dev.neurite.runtime.compute;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed set of threads for data-parallel kernels. {@link #parallelFor} splits a range
 * into chunks that the workers and the calling thread take in turn; it allocates nothing, so
 * compiled steps stay allocation-free. Calls from different threads are serialized.
 */
final class WorkerPool implements AutoCloseable {

    /** A kernel body over a sub-range of its work. */
    interface Task {
        void range(int from, int to);
    }

    private static final int SPINS = 20_000;
    /** Chunk index of a cursor whose loop is being set up. */
    private static final int CLOSED = Integer.MAX_VALUE;

    private final Thread[] workers;
    private final Object lock = new Object();
    /** Generation in the high 32 bits, next chunk in the low 32 bits. */
    private final AtomicLong cursor = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile Task task;
    private volatile int total;
    private volatile int chunks;
    private volatile Thread caller;
    private volatile Throwable failure;
    private volatile boolean closed;
    private int generation;

    WorkerPool(int threads) {
        workers = new Thread[Math.max(0, threads - 1)];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Worker(this::loop, "neurite-compute-" + (i + 1), i + 1);
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** A pool thread, numbered from 1 (the calling thread of a loop counts as 0). */
    private static final class Worker extends Thread {
        final int slot;

        Worker(Runnable body, String name, int slot) {
            super(body, name);
            this.slot = slot;
        }
    }

    /**
     * The running thread's slot in [0, threads()): its number if it is a pool thread, else 0
     * (the one caller a pool serves at a time). Kernels index per-thread scratch with it.
     */
    static int slot() {
        return Thread.currentThread() instanceof Worker w ? w.slot : 0;
    }

    /** Threads that take part in a parallel loop, the caller included. */
    int threads() {
        return workers.length + 1;
    }

    /** Runs {@code task} over {@code [0, n)} in chunks of at least {@code grain} elements. */
    void parallelFor(int n, int grain, Task task) {
        int pieces = Math.min(threads() * 4, (n + Math.max(1, grain) - 1) / Math.max(1, grain));
        if (pieces <= 1 || workers.length == 0) {
            if (n > 0) {
                task.range(0, n);
            }
            return;
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("compute pool is closed");
            }
            int gen = ++generation;
            // Close the cursor first: a thread still holding a stale cursor value must fail
            // its claim, not succeed against the new loop's chunk count.
            cursor.set(((long) gen << 32) | CLOSED);
            this.task = task;
            this.total = n;
            this.chunks = pieces;
            this.failure = null;
            this.caller = Thread.currentThread();
            done.set(0);
            cursor.set((long) gen << 32);
            for (Thread w : workers) {
                LockSupport.unpark(w);
            }
            work(gen);
            int spins = 0;
            while (done.get() < pieces) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 20_000);
                }
            }
            this.task = null;
            Throwable f = failure;
            if (f != null) {
                failure = null;
                if (f instanceof RuntimeException r) {
                    throw r;
                }
                if (f instanceof Error e) {
                    throw e;
                }
                throw new IllegalStateException(f);
            }
        }
    }

    /** Takes and runs chunks of generation {@code gen} until none are left. */
    private void work(int gen) {
        while (true) {
            long v = cursor.get();
            if ((int) (v >>> 32) != gen) {
                return;
            }
            int index = (int) v;
            int count = chunks;
            if (index >= count) {
                return;
            }
            if (!cursor.compareAndSet(v, v + 1)) {
                continue;
            }
            int n = total;
            int from = (int) ((long) n * index / count);
            int to = (int) ((long) n * (index + 1) / count);
            try {
                task.range(from, to);
            } catch (Throwable e) {
                failure = e;
            }
            if (done.incrementAndGet() == count) {
                LockSupport.unpark(caller);
            }
        }
    }

    private void loop() {
        int seen = 0;
        int spins = 0;
        while (!closed) {
            long v = cursor.get();
            int gen = (int) (v >>> 32);
            if (gen != seen && (int) v != CLOSED) {
                seen = gen;
                work(gen);
                spins = 0;
            } else if (++spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.park(this);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
        }
    }
}
