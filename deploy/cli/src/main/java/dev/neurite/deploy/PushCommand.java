package dev.neurite.deploy;

import com.google.gson.JsonObject;
import org.eclipse.paho.client.mqttv3.MqttException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code push}: sends a bundle in chunks with its SHA-256 through {@code bundles/install}
 * (with {@code replace}, so a device that has the bundle updates it and keeps the old
 * version for rollback). A group gets each chunk once, on its fleet topic; named devices
 * get their own uploads, side by side.
 */
@Command(name = "push", description = "Install or update a bundle on devices over MQTT, with progress and a result table.")
final class PushCommand extends FleetCommand {

    @Parameters(index = "0", paramLabel = "BUNDLE.jar", description = "the bundle to install")
    Path bundle;

    @Option(names = "--chunk-size", paramLabel = "BYTES", defaultValue = "131072",
            description = "bytes per MQTT message before base64 (default: ${DEFAULT-VALUE}); keep it under the devices' payload limit")
    int chunkSize;

    @Option(names = "--window", paramLabel = "N", defaultValue = "4",
            description = "chunks sent ahead of the devices' acknowledgements (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--no-start", description = "install or update without starting the bundle")
    boolean noStart;

    private BundleFile file;

    @Override
    Integer prepare() {
        try {
            file = BundleFile.read(bundle);
        } catch (IOException e) {
            System.err.println("neurite-deploy: " + e.getMessage());
            return NeuriteDeploy.USAGE;
        }
        if (chunkSize < 1024 || window < 1) {
            System.err.println("neurite-deploy: --chunk-size must be at least 1024 and --window at least 1");
            return NeuriteDeploy.USAGE;
        }
        return null;
    }

    @Override
    int run(FleetClient fleet, List<FleetClient.Device> devices) throws Exception {
        byte[][] chunks = split(file.bytes(), chunkSize);
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        try (Progress progress = new Progress(System.err, NeuriteDeploy.terminal(), 1_000)) {
            List<Transfer> transfers = new ArrayList<>();
            if (target.group != null) {
                List<String> ids = devices.stream().map(FleetClient.Device::id).toList();
                transfers.add(new Transfer(fleet, fleet.fleetTopic(target.group, "bundles", "install"),
                        fleet.fleetReplyTo(target.group), ids, true, file, chunks, progress));
            } else {
                for (FleetClient.Device d : devices) {
                    if (!d.online()) {
                        outcomes.put(d.id(), Outcome.failed(d.id(), file, "OFFLINE",
                                d.state().size() == 0 ? "no state document on the broker" : "device is offline", 0));
                        progress.update(d.id(), 0, file.bytes().length, "offline");
                        continue;
                    }
                    transfers.add(new Transfer(fleet, fleet.deviceTopic(d.id(), "bundles", "install"),
                            fleet.deviceReplyTo(d.id()), List.of(d.id()), false, file, chunks, progress));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, transfers.size()));
            try {
                List<Future<List<Outcome>>> results = new ArrayList<>();
                for (Transfer t : transfers) {
                    results.add(pool.submit(t::run));
                }
                for (Future<List<Outcome>> f : results) {
                    for (Outcome o : f.get()) {
                        outcomes.put(o.device(), o);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        Table table = new Table("DEVICE", "BUNDLE", "VERSION", "STATE", "TIME", "ERROR");
        boolean allOk = true;
        List<Outcome> sorted = new ArrayList<>(outcomes.values());
        sorted.sort((a, b) -> a.device().compareTo(b.device()));
        for (Outcome o : sorted) {
            table.row(o.device(), o.bundle(), o.version(), o.state(),
                    String.format(Locale.ROOT, "%.1fs", o.millis() / 1000.0), o.error());
            allOk &= o.error() == null;
        }
        table.print(System.out);
        return allOk ? NeuriteDeploy.OK : NeuriteDeploy.FAILED;
    }

    static byte[][] split(byte[] bytes, int size) {
        int count = Math.max(1, (bytes.length + size - 1) / size);
        byte[][] chunks = new byte[count][];
        for (int i = 0; i < count; i++) {
            chunks[i] = Arrays.copyOfRange(bytes, i * size, Math.min(bytes.length, (i + 1) * size));
        }
        return chunks;
    }

    /** The result for one device. */
    record Outcome(String device, String bundle, String version, String state, long millis, String error) {

        static Outcome failed(String device, BundleFile file, String state, String error, long millis) {
            return new Outcome(device, file.symbolicName(), file.version(), state, millis, error);
        }
    }

    /** One upload to one destination topic, acknowledged chunk by chunk by one or more devices. */
    private final class Transfer {
        private final FleetClient fleet;
        private final String topic;
        private final String replyTo;
        private final boolean openMembership;
        private final BundleFile file;
        private final byte[][] chunks;
        private final Progress progress;
        private final Map<String, BitSet> acked = new LinkedHashMap<>();
        private final Map<String, Outcome> done = new LinkedHashMap<>();
        private final BlockingQueue<FleetClient.Reply> inbox = new LinkedBlockingQueue<>();
        private final Map<String, Integer> chunkOf = new LinkedHashMap<>();
        private final String upload;
        private long started;

        Transfer(FleetClient fleet, String topic, String replyTo, List<String> devices, boolean openMembership,
                 BundleFile file, byte[][] chunks, Progress progress) {
            this.fleet = fleet;
            this.topic = topic;
            this.replyTo = replyTo;
            this.openMembership = openMembership;
            this.file = file;
            this.chunks = chunks;
            this.progress = progress;
            this.upload = "u" + Long.toHexString(System.nanoTime()) + Integer.toHexString(System.identityHashCode(this));
            for (String d : devices) {
                acked.put(d, new BitSet(chunks.length));
                progress.update(d, 0, file.bytes().length, "waiting");
            }
        }

        List<Outcome> run() throws MqttException, InterruptedException {
            started = System.nanoTime();
            long lastProgress = System.nanoTime();
            long silence = TimeUnit.SECONDS.toNanos(fleet.timeoutSeconds());
            int next = 0;
            try {
                while (done.size() < acked.size()) {
                    while (next < chunks.length && outstanding(next) < window) {
                        send(next++);
                    }
                    FleetClient.Reply r = inbox.poll(100, TimeUnit.MILLISECONDS);
                    while (r != null) {
                        if (handle(r)) {
                            lastProgress = System.nanoTime();
                        }
                        r = inbox.poll();
                    }
                    if (System.nanoTime() - lastProgress > silence) {
                        for (String d : acked.keySet()) {
                            if (!done.containsKey(d)) {
                                finish(d, Outcome.failed(d, file, "TIMEOUT", "no answer for " + fleet.timeoutSeconds()
                                        + " s after " + acked.get(d).cardinality() + " of " + chunks.length + " chunks", elapsed()));
                            }
                        }
                    }
                }
            } finally {
                chunkOf.keySet().forEach(fleet::forget);
            }
            return new ArrayList<>(done.values());
        }

        private void send(int index) throws MqttException {
            JsonObject args = new JsonObject();
            args.addProperty("upload", upload);
            args.addProperty("index", index);
            args.addProperty("count", chunks.length);
            args.addProperty("sha256", file.sha256());
            args.addProperty("replace", true);
            args.addProperty("start", !noStart);
            args.addProperty("data", Base64.getEncoder().encodeToString(chunks[index]));
            String id = fleet.send(topic, replyTo, args, inbox::add);
            synchronized (chunkOf) {
                chunkOf.put(id, index);
            }
            for (String d : acked.keySet()) {
                if (!done.containsKey(d)) {
                    progress.update(d, bytes(acked.get(d)), file.bytes().length, "sending");
                }
            }
        }

        /** Chunks sent but not yet acknowledged by every device still receiving. */
        private int outstanding(int sent) {
            int n = 0;
            for (int i = 0; i < sent; i++) {
                for (Map.Entry<String, BitSet> e : acked.entrySet()) {
                    if (!done.containsKey(e.getKey()) && !e.getValue().get(i)) {
                        n++;
                        break;
                    }
                }
            }
            return n;
        }

        /** Takes one reply; true when it was news. */
        private boolean handle(FleetClient.Reply r) {
            Integer index;
            synchronized (chunkOf) {
                index = chunkOf.get(r.id());
            }
            if (index == null || r.device() == null || done.containsKey(r.device())) {
                return false;
            }
            BitSet got = acked.get(r.device());
            if (got == null) {
                if (!openMembership) {
                    return false;
                }
                // A group member whose state document came late still gets its row.
                got = new BitSet(chunks.length);
                acked.put(r.device(), got);
            }
            if (!r.ok()) {
                finish(r.device(), Outcome.failed(r.device(), file, "FAILED", r.error(), elapsed()));
                return true;
            }
            JsonObject result = r.result();
            boolean pendingChunk = result.has("complete") && !result.get("complete").getAsBoolean();
            got.set(index);
            if (pendingChunk) {
                progress.update(r.device(), bytes(got), file.bytes().length, "sending");
                return true;
            }
            got.set(0, chunks.length);
            String state = FleetClient.text(result, "state");
            String version = FleetClient.text(result, "version");
            String bsn = FleetClient.text(result, "symbolicName");
            finish(r.device(), new Outcome(r.device(), bsn == null ? file.symbolicName() : bsn,
                    version == null ? file.version() : version, state == null ? "?" : state, elapsed(), null));
            return true;
        }

        private void finish(String device, Outcome outcome) {
            done.put(device, outcome);
            long bytes = bytes(acked.get(device));
            progress.update(device, bytes, file.bytes().length,
                    outcome.error() == null ? outcome.state() : outcome.state() + " " + outcome.error());
        }

        private long bytes(BitSet got) {
            long n = 0;
            for (int i = got.nextSetBit(0); i >= 0; i = got.nextSetBit(i + 1)) {
                n += chunks[i].length;
            }
            return n;
        }

        private long elapsed() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        }
    }
}
