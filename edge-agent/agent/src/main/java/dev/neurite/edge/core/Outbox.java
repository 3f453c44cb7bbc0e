package dev.neurite.edge.core;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * A bounded, persisted queue of outgoing QoS 1 messages. Every message gets the next
 * per-device sequence number and is written to its own file before it can be published;
 * the file goes when the broker acknowledges the message. A restart (even after a crash)
 * reloads what was not acknowledged, and numbering continues where it stopped.
 *
 * <p>When full, the oldest {@link Priority#LOW low-priority} message is dropped and counted;
 * {@link Priority#HIGH high-priority} messages (command replies, job state changes) are
 * never dropped and may exceed the bound. Appending never blocks on the network: a disk
 * failure keeps the message in memory and is counted.
 */
public final class Outbox implements AutoCloseable {

    public enum Priority { HIGH, LOW }

    /** A message handed out for publishing; {@code attempt} ties acknowledgements to it. */
    public record Lease(long seq, long attempt, String topic, boolean retained, byte[] payload) {
    }

    /** Counters for metrics and the shell. */
    public record Stats(int depth, long bytes, int inflight, long enqueued, long acknowledged, long dropped,
                        long persistFailures, long corruptDiscarded, long lastSeq) {
    }

    private static final Logger LOG = Logger.getLogger(Outbox.class.getName());
    private static final int MAGIC = 0x4E4F4231; // "NOB1"
    private static final String SUFFIX = ".msg";

    private static final class Slot {
        final long seq;
        final Priority priority;
        final String topic;
        final boolean retained;
        final byte[] payload;
        boolean inflight;
        long attempt;

        Slot(long seq, Priority priority, String topic, boolean retained, byte[] payload) {
            this.seq = seq;
            this.priority = priority;
            this.topic = topic;
            this.retained = retained;
            this.payload = payload;
        }

        long size() {
            return payload.length + topic.length() + 32L;
        }
    }

    private final Path dir;
    private final int maxMessages;
    private final long maxBytes;
    private final boolean fsyncHigh;
    private final FileChannel sequenceFile;
    private final ByteBuffer sequenceBuffer = ByteBuffer.allocate(Long.BYTES);

    private final TreeMap<Long, Slot> all = new TreeMap<>();
    private final TreeSet<Long> pendingHigh = new TreeSet<>();
    private final TreeSet<Long> pendingLow = new TreeSet<>();
    private final TreeSet<Long> low = new TreeSet<>();
    private long bytes;
    private int inflight;
    private long nextSeq;
    private long attempts;
    private long enqueued;
    private long acknowledged;
    private long dropped;
    private long persistFailures;
    private long corruptDiscarded;
    private boolean closed;

    /**
     * Opens (or creates) the outbox in {@code dir}.
     *
     * @param maxMessages bound on queued messages
     * @param maxBytes    bound on queued payload bytes
     * @param fsyncHigh   force high-priority messages to the device before accepting them, so
     *                    they survive power loss (low-priority ones survive process crashes)
     */
    public Outbox(Path dir, int maxMessages, long maxBytes, boolean fsyncHigh) throws IOException {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("outbox bounds must be positive");
        }
        this.dir = dir;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.fsyncHigh = fsyncHigh;
        Files.createDirectories(dir);
        this.sequenceFile = FileChannel.open(dir.resolve("sequence"), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        long last = readSequence();
        last = Math.max(last, load());
        this.nextSeq = last + 1;
        while (overBound(0)) {
            if (!dropOldestLow()) {
                break;
            }
        }
    }

    public Path directory() {
        return dir;
    }

    // ---- producing ---------------------------------------------------------------------------

    /**
     * Queues a message. The payload is built for the sequence number it gets, so the number
     * can be written into it.
     *
     * @return the sequence number, or -1 when a low-priority message was dropped at once
     *         because high-priority messages fill the outbox
     */
    public synchronized long append(String topic, Priority priority, boolean retained, LongFunction<byte[]> payload) {
        long seq = nextSeq++;
        writeSequence(seq);
        byte[] body = payload.apply(seq);
        Slot slot = new Slot(seq, priority, topic, retained, body);
        while (overBound(slot.size())) {
            if (!dropOldestLow()) {
                break;
            }
        }
        if (priority == Priority.LOW && overBound(slot.size())) {
            dropped++;
            return -1;
        }
        persist(slot);
        all.put(seq, slot);
        (priority == Priority.HIGH ? pendingHigh : pendingLow).add(seq);
        if (priority == Priority.LOW) {
            low.add(seq);
        }
        bytes += slot.size();
        enqueued++;
        notifyAll();
        return seq;
    }

    private boolean overBound(long extra) {
        return all.size() + (extra > 0 ? 1 : 0) > maxMessages || bytes + extra > maxBytes;
    }

    private boolean dropOldestLow() {
        Long victim = low.pollFirst();
        if (victim == null) {
            return false;
        }
        remove(victim);
        dropped++;
        return true;
    }

    // ---- publishing --------------------------------------------------------------------------

    /**
     * Hands out the next message to publish: the oldest pending high-priority one, else the
     * oldest pending low-priority one. Waits up to {@code waitMillis} for one while fewer
     * than {@code maxInflight} are out; returns {@code null} when none came.
     */
    public synchronized Lease next(int maxInflight, long waitMillis) throws InterruptedException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (!closed && (inflight >= maxInflight || (pendingHigh.isEmpty() && pendingLow.isEmpty()))) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            wait(left);
        }
        if (closed) {
            return null;
        }
        Long seq = pendingHigh.isEmpty() ? pendingLow.pollFirst() : pendingHigh.pollFirst();
        Slot slot = all.get(seq);
        slot.inflight = true;
        slot.attempt = ++attempts;
        inflight++;
        return new Lease(slot.seq, slot.attempt, slot.topic, slot.retained, slot.payload);
    }

    /** The broker acknowledged the message: it leaves the outbox. */
    public synchronized void acknowledge(long seq) {
        Slot slot = all.get(seq);
        if (slot == null) {
            return;
        }
        if (slot.priority == Priority.LOW) {
            low.remove(seq);
        }
        remove(seq);
        acknowledged++;
    }

    /** Publishing this attempt failed: the message is pending again. Stale attempts are ignored. */
    public synchronized void release(long seq, long attempt) {
        Slot slot = all.get(seq);
        if (slot != null && slot.inflight && slot.attempt == attempt) {
            slot.inflight = false;
            inflight--;
            (slot.priority == Priority.HIGH ? pendingHigh : pendingLow).add(seq);
            notifyAll();
        }
    }

    /** The connection is gone: everything in flight is pending again and will be re-sent. */
    public synchronized void releaseAll() {
        for (Slot slot : all.values()) {
            if (slot.inflight) {
                slot.inflight = false;
                (slot.priority == Priority.HIGH ? pendingHigh : pendingLow).add(slot.seq);
            }
        }
        inflight = 0;
        notifyAll();
    }

    /** Wakes waiting publishers, for example after a connection came up. */
    public synchronized void wakeUp() {
        notifyAll();
    }

    public synchronized Stats stats() {
        return new Stats(all.size(), bytes, inflight, enqueued, acknowledged, dropped, persistFailures,
                corruptDiscarded, nextSeq - 1);
    }

    /** The sequence number the next message will get. */
    public synchronized long nextSequence() {
        return nextSeq;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        notifyAll();
        try {
            sequenceFile.close();
        } catch (IOException e) {
            LOG.log(Level.FINE, "closing the sequence file", e);
        }
    }

    // ---- storage -----------------------------------------------------------------------------

    private void remove(long seq) {
        Slot slot = all.remove(seq);
        if (slot == null) {
            return;
        }
        pendingHigh.remove(seq);
        pendingLow.remove(seq);
        low.remove(seq);
        if (slot.inflight) {
            inflight--;
        }
        bytes -= slot.size();
        try {
            Files.deleteIfExists(file(seq));
        } catch (IOException e) {
            persistFailures++;
            LOG.log(Level.WARNING, "cannot delete outbox message " + seq, e);
        }
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%019d", seq) + SUFFIX);
    }

    private void persist(Slot slot) {
        if (closed) {
            persistFailures++;
            return;
        }
        Path target = file(slot.seq);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            byte[] record = encode(slot);
            boolean sync = fsyncHigh && slot.priority == Priority.HIGH;
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(record);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                if (sync) {
                    out.force(true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (sync) {
                syncDirectory();
            }
        } catch (IOException e) {
            persistFailures++;
            LOG.log(Level.WARNING, "outbox message " + slot.seq + " kept in memory only", e);
        }
    }

    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the rename is still atomic.
        }
    }

    static byte[] encode(Slot slot) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(slot.payload.length + slot.topic.length() + 32);
        DataOutputStream out = new DataOutputStream(buffer);
        byte[] topic = slot.topic.getBytes(StandardCharsets.UTF_8);
        out.writeInt(MAGIC);
        out.writeLong(slot.seq);
        out.writeByte(slot.priority.ordinal());
        out.writeBoolean(slot.retained);
        out.writeInt(topic.length);
        out.write(topic);
        out.writeInt(slot.payload.length);
        out.write(slot.payload);
        CRC32 crc = new CRC32();
        crc.update(buffer.toByteArray());
        out.writeLong(crc.getValue());
        out.flush();
        return buffer.toByteArray();
    }

    static Slot decode(byte[] record) {
        if (record.length < 4 + 8 + 1 + 1 + 4 + 4 + 8) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(record);
        CRC32 crc = new CRC32();
        crc.update(record, 0, record.length - 8);
        if (in.getLong(record.length - 8) != crc.getValue() || in.getInt() != MAGIC) {
            return null;
        }
        long seq = in.getLong();
        int priority = in.get();
        boolean retained = in.get() != 0;
        int topicLength = in.getInt();
        if (priority < 0 || priority > 1 || topicLength < 0 || topicLength > in.remaining()) {
            return null;
        }
        byte[] topic = new byte[topicLength];
        in.get(topic);
        int payloadLength = in.getInt();
        if (payloadLength < 0 || payloadLength != in.remaining() - 8) {
            return null;
        }
        byte[] payload = new byte[payloadLength];
        in.get(payload);
        return new Slot(seq, Priority.values()[priority], new String(topic, StandardCharsets.UTF_8), retained, payload);
    }

    /** Loads persisted messages; returns the highest sequence number seen. */
    private long load() throws IOException {
        long highest = 0;
        Map<Long, Path> files = new HashMap<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a write that a crash interrupted before its rename
                } else if (name.endsWith(SUFFIX)) {
                    try {
                        files.put(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), p);
                    } catch (NumberFormatException e) {
                        LOG.warning("ignoring unexpected file in the outbox: " + name);
                    }
                }
            }
        }
        for (Map.Entry<Long, Path> e : new TreeMap<>(files).entrySet()) {
            Slot slot = null;
            try {
                slot = decode(Files.readAllBytes(e.getValue()));
            } catch (IOException ex) {
                LOG.log(Level.WARNING, "unreadable outbox message " + e.getValue(), ex);
            }
            if (slot == null || slot.seq != e.getKey()) {
                corruptDiscarded++;
                Files.deleteIfExists(e.getValue());
                continue;
            }
            all.put(slot.seq, slot);
            (slot.priority == Priority.HIGH ? pendingHigh : pendingLow).add(slot.seq);
            if (slot.priority == Priority.LOW) {
                low.add(slot.seq);
            }
            bytes += slot.size();
            highest = Math.max(highest, slot.seq);
        }
        return highest;
    }

    private long readSequence() throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(Long.BYTES);
        if (sequenceFile.read(buffer, 0) == Long.BYTES) {
            return Math.max(0, buffer.getLong(0));
        }
        return 0;
    }

    private void writeSequence(long seq) {
        try {
            sequenceBuffer.clear();
            sequenceBuffer.putLong(0, seq);
            sequenceFile.write(sequenceBuffer, 0);
        } catch (IOException e) {
            persistFailures++;
        }
    }
}
