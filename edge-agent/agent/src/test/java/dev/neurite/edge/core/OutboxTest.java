package dev.neurite.edge.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutboxTest {

    @TempDir
    Path dir;

    private static long add(Outbox o, Outbox.Priority p, String text) {
        return o.append("t/" + p, p, false, seq -> (seq + ":" + text).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void messagesSurviveReopeningAndNumberingContinues() throws Exception {
        try (Outbox o = new Outbox(dir, 100, 1 << 20, true)) {
            assertEquals(1, add(o, Outbox.Priority.HIGH, "a"));
            assertEquals(2, add(o, Outbox.Priority.LOW, "b"));
            assertEquals(3, add(o, Outbox.Priority.LOW, "c"));
            Outbox.Lease lease = o.next(10, 0);
            assertEquals(1, lease.seq());
            o.acknowledge(1);
        }
        try (Outbox o = new Outbox(dir, 100, 1 << 20, true)) {
            assertEquals(2, o.stats().depth());
            Outbox.Lease lease = o.next(10, 0);
            assertEquals(2, lease.seq());
            assertEquals("2:b", new String(lease.payload(), StandardCharsets.UTF_8));
            assertEquals(4, add(o, Outbox.Priority.LOW, "d"));
            o.acknowledge(2);
            o.acknowledge(3);
            o.acknowledge(4);
            assertEquals(0, o.stats().depth());
        }
        try (Outbox o = new Outbox(dir, 100, 1 << 20, true)) {
            assertEquals(5, add(o, Outbox.Priority.LOW, "e"), "numbering continues even when everything was acknowledged");
        }
    }

    @Test
    void whenFullTheOldestLowPriorityMessageIsDroppedNeverAHighOne() throws Exception {
        try (Outbox o = new Outbox(dir, 4, 1 << 20, false)) {
            add(o, Outbox.Priority.LOW, "l1");
            add(o, Outbox.Priority.HIGH, "h2");
            add(o, Outbox.Priority.LOW, "l3");
            add(o, Outbox.Priority.LOW, "l4");
            add(o, Outbox.Priority.LOW, "l5");
            assertEquals(1, o.stats().dropped());
            for (int i = 0; i < 10; i++) {
                add(o, Outbox.Priority.HIGH, "h");
            }
            Outbox.Stats s = o.stats();
            assertEquals(11, s.depth(), "high-priority messages are kept beyond the bound");
            assertEquals(4, s.dropped());
            assertEquals(-1, add(o, Outbox.Priority.LOW, "l-late"), "a low one that cannot fit is dropped at once");
            assertEquals(5, o.stats().dropped());
            List<Long> order = new ArrayList<>();
            Outbox.Lease l;
            while ((l = o.next(100, 0)) != null) {
                order.add(l.seq());
            }
            assertEquals(2L, order.get(0));
            assertTrue(order.stream().noneMatch(seq -> seq == 1 || seq == 3 || seq == 4 || seq == 5));
        }
        try (var files = Files.list(dir)) {
            assertEquals(11, files.filter(p -> p.toString().endsWith(".msg")).count());
        }
    }

    @Test
    void leasesAreReleasedOnFailureAndAllOnConnectionLoss() throws Exception {
        try (Outbox o = new Outbox(dir, 100, 1 << 20, false)) {
            for (int i = 0; i < 5; i++) {
                add(o, Outbox.Priority.LOW, "m" + i);
            }
            Outbox.Lease a = o.next(2, 0);
            Outbox.Lease b = o.next(2, 0);
            assertNull(o.next(2, 0), "the in-flight window is respected");
            o.release(a.seq(), a.attempt());
            Outbox.Lease again = o.next(2, 0);
            assertEquals(a.seq(), again.seq());
            o.release(a.seq(), a.attempt()); // a stale attempt changes nothing
            assertEquals(2, o.stats().inflight());
            o.releaseAll();
            assertEquals(0, o.stats().inflight());
            assertEquals(a.seq(), o.next(10, 0).seq());
            o.acknowledge(b.seq());
            assertEquals(4, o.stats().depth());
        }
    }

    @Test
    void aCorruptOrHalfWrittenFileIsDiscardedOnLoad() throws Exception {
        try (Outbox o = new Outbox(dir, 100, 1 << 20, false)) {
            add(o, Outbox.Priority.HIGH, "good");
            add(o, Outbox.Priority.HIGH, "bad");
        }
        Path bad = dir.resolve(String.format("%019d.msg", 2));
        byte[] bytes = Files.readAllBytes(bad);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(bad, bytes);
        Files.writeString(dir.resolve(String.format("%019d.msg.tmp", 3)), "interrupted");
        try (Outbox o = new Outbox(dir, 100, 1 << 20, false)) {
            assertEquals(1, o.stats().depth());
            assertEquals(1, o.stats().corruptDiscarded());
            assertEquals(3, add(o, Outbox.Priority.LOW, "next"));
        }
    }
}
