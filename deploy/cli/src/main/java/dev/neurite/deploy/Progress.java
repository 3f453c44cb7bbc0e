package dev.neurite.deploy;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One progress bar per device. On a terminal the bars are redrawn in place; elsewhere (logs,
 * CI, pipes) a plain line per device is printed periodically, only when it changed.
 */
final class Progress implements AutoCloseable {

    private static final int BAR = 30;

    private record Bar(long done, long total, String phase) {
    }

    private final PrintStream out;
    private final boolean terminal;
    private final long plainIntervalMillis;
    private final Map<String, Bar> bars = new LinkedHashMap<>();
    private final Map<String, String> printed = new LinkedHashMap<>();
    private final Thread painter;
    private int drawnLines;
    private volatile boolean running = true;

    Progress(PrintStream out, boolean terminal, long plainIntervalMillis) {
        this.out = out;
        this.terminal = terminal;
        this.plainIntervalMillis = plainIntervalMillis;
        this.painter = new Thread(this::paintLoop, "neurite-deploy-progress");
        painter.setDaemon(true);
        painter.start();
    }

    synchronized void update(String device, long done, long total, String phase) {
        bars.put(device, new Bar(done, total, phase));
    }

    private void paintLoop() {
        while (running) {
            try {
                Thread.sleep(terminal ? 100 : plainIntervalMillis);
            } catch (InterruptedException e) {
                return;
            }
            paint();
        }
    }

    private synchronized void paint() {
        if (terminal) {
            StringBuilder b = new StringBuilder();
            if (drawnLines > 0) {
                b.append("\u001b[").append(drawnLines).append('F');
            }
            int width = bars.keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, Bar> e : bars.entrySet()) {
                b.append("\u001b[2K").append(render(e.getKey(), width, e.getValue(), true)).append('\n');
            }
            drawnLines = bars.size();
            out.print(b);
            out.flush();
        } else {
            for (Map.Entry<String, Bar> e : bars.entrySet()) {
                String line = render(e.getKey(), 0, e.getValue(), false);
                if (!line.equals(printed.get(e.getKey()))) {
                    out.println(line);
                    printed.put(e.getKey(), line);
                }
            }
            out.flush();
        }
    }

    static String render(String device, int width, Bar bar, boolean graphic) {
        int percent = bar.total() <= 0 ? 0 : (int) Math.min(100, bar.done() * 100 / bar.total());
        String amount = String.format(Locale.ROOT, "%3d%% %s/%s", percent, size(bar.done()), size(bar.total()));
        if (!graphic) {
            return device + ": " + amount + " " + bar.phase();
        }
        int filled = percent * BAR / 100;
        return String.format(Locale.ROOT, "%-" + Math.max(1, width) + "s [%s%s] %s %s", device, "#".repeat(filled),
                ".".repeat(BAR - filled), amount, bar.phase());
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    /** Stops repainting after one last, complete picture. */
    @Override
    public void close() {
        running = false;
        painter.interrupt();
        try {
            painter.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paint();
    }
}
