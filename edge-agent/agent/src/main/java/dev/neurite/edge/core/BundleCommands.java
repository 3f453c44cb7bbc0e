package dev.neurite.edge.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLConnection;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;

/**
 * {@code bundles/list|install|update|rollback|start|stop|uninstall}. Content comes from a URL
 * or inline as base64, in one message or in chunks ({@code upload}, {@code index},
 * {@code count}); its SHA-256 ({@code sha256}, hex) is required and checked before
 * anything is installed, and so is its signature when the device has a signature policy.
 * {@code install} with {@code replace: true} updates a bundle of the same symbolic name
 * instead of installing a second copy, so one command fits devices with and without it.
 */
public final class BundleCommands {

    public record Settings(long maxBundleBytes, Set<String> urlSchemes, int urlTimeoutMillis, long uploadTtlMillis) {
    }

    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final Supplier<BundleControl> control;
    private final Settings settings;
    private final LongSupplier clock;
    private final BundleSignatures signatures;
    private final Map<String, Upload> uploads = new LinkedHashMap<>();

    private static final class Upload {
        final int count;
        final byte[][] chunks;
        long bytes;
        int received;
        String sha256;
        long touched;

        Upload(int count) {
            this.count = count;
            this.chunks = new byte[count][];
        }
    }

    public BundleCommands(Supplier<BundleControl> control, Settings settings, LongSupplier clock) {
        this(control, settings, clock, new BundleSignatures(BundleSignatures.Policy.none()));
    }

    public BundleCommands(Supplier<BundleControl> control, Settings settings, LongSupplier clock,
                          BundleSignatures signatures) {
        this.control = control;
        this.settings = settings;
        this.clock = clock;
        this.signatures = signatures;
    }

    public void register(CommandDispatcher d) {
        d.register("bundles", "list", args -> {
            JsonArray list = new JsonArray();
            for (BundleControl.BundleInfo b : control().list()) {
                list.add(Json.tree(b));
            }
            JsonObject r = new JsonObject();
            r.add("bundles", list);
            return r;
        });
        d.register("bundles", "install", this::install);
        d.register("bundles", "update", this::update);
        d.register("bundles", "rollback", args -> Json.tree(control().rollback(id(args))));
        d.register("bundles", "start", args -> Json.tree(control().start(id(args))));
        d.register("bundles", "stop", args -> Json.tree(control().stop(id(args))));
        d.register("bundles", "uninstall", args -> {
            long id = id(args);
            control().uninstall(id);
            JsonObject r = new JsonObject();
            r.addProperty("uninstalled", id);
            return r;
        });
    }

    private BundleControl control() throws CommandException {
        BundleControl c = control.get();
        if (c == null) {
            throw new CommandException(503, "unavailable", "bundle management is not available", null);
        }
        return c;
    }

    private long id(Args args) throws CommandException {
        return control().find(args.string("bundle")).id();
    }

    private JsonElement install(Args args) throws Exception {
        Content content = content(args);
        if (content.pending != null) {
            return content.pending;
        }
        Manifest manifest = manifest(content.bytes, content.field);
        signatures.check(content.bytes, content.field);
        String bsn = symbolicName(manifest);
        String version = manifest.getMainAttributes().getValue("Bundle-Version");
        String location = "neurite-mqtt:" + bsn + "@" + (version == null ? "0.0.0" : version.trim());
        boolean replace = args.bool("replace", false);
        for (BundleControl.BundleInfo b : control().list()) {
            if (replace && bsn.equals(b.symbolicName())) {
                BundleControl.BundleInfo current = control().find(bsn);
                return Json.tree(control().update(current.id(), content.bytes, args.bool("start", true)));
            }
            if (bsn.equals(b.symbolicName()) && b.version().equals(version == null ? "0.0.0" : version.trim())) {
                throw CommandException.conflict(bsn + " " + b.version() + " is already installed as bundle " + b.id()
                        + "; use bundles/update or install with replace");
            }
        }
        return Json.tree(control().install(location, content.bytes, args.bool("start", true)));
    }

    private JsonElement update(Args args) throws Exception {
        long id = id(args);
        Content content = content(args);
        if (content.pending != null) {
            return content.pending;
        }
        manifest(content.bytes, content.field);
        signatures.check(content.bytes, content.field);
        return Json.tree(control().update(id, content.bytes, args.bool("start", false)));
    }

    /** Checked content, or a "waiting for more chunks" result. */
    private record Content(byte[] bytes, String field, JsonObject pending) {
    }

    private Content content(Args args) throws Exception {
        boolean hasUrl = args.has("url");
        boolean hasData = args.has("data");
        if (hasUrl == hasData) {
            throw CommandException.badRequest("args.url", "give exactly one of url and data");
        }
        String sha = args.optString("sha256", null);
        if (sha != null && !SHA256.matcher(sha).matches()) {
            throw CommandException.badRequest("args.sha256", "expected 64 hex digits");
        }
        byte[] bytes;
        String field;
        if (hasUrl) {
            if (sha == null) {
                throw CommandException.badRequest("args.sha256", "required");
            }
            bytes = fetch(args.string("url"));
            field = "args.url";
        } else {
            field = "args.data";
            byte[] chunk;
            try {
                chunk = Base64.getDecoder().decode(args.string("data"));
            } catch (IllegalArgumentException e) {
                throw CommandException.badRequest("args.data", "not base64: " + e.getMessage());
            }
            int count = (int) args.integer("count", 1, 1, 100_000);
            if (count == 1) {
                if (sha == null) {
                    throw CommandException.badRequest("args.sha256", "required");
                }
                bytes = chunk;
            } else {
                String upload = args.string("upload");
                int index = (int) args.requireInteger("index", 0, count - 1);
                Assembled assembled = addChunk(upload, index, count, chunk, sha);
                if (assembled == null) {
                    JsonObject pending = new JsonObject();
                    pending.addProperty("upload", upload);
                    pending.addProperty("received", index);
                    pending.addProperty("complete", false);
                    return new Content(null, field, pending);
                }
                bytes = assembled.bytes();
                sha = assembled.sha256();
            }
        }
        if (bytes.length > settings.maxBundleBytes()) {
            throw new CommandException(413, "payload-too-large", "bundle of " + bytes.length + " bytes exceeds "
                    + settings.maxBundleBytes(), field);
        }
        String actual = sha256(bytes);
        String expected = sha;
        if (expected == null) {
            throw CommandException.badRequest("args.sha256", "required");
        }
        if (!actual.equalsIgnoreCase(expected)) {
            throw new CommandException(422, "checksum-mismatch", "args.sha256: content has SHA-256 " + actual
                    + ", expected " + expected.toLowerCase(Locale.ROOT) + "; nothing installed", "args.sha256");
        }
        return new Content(bytes, field, null);
    }

    private record Assembled(byte[] bytes, String sha256) {
    }

    /** Adds a chunk; returns the whole content once every chunk is there. */
    private synchronized Assembled addChunk(String id, int index, int count, byte[] chunk, String sha)
            throws CommandException {
        long now = clock.getAsLong();
        for (Iterator<Upload> it = uploads.values().iterator(); it.hasNext(); ) {
            if (now - it.next().touched > settings.uploadTtlMillis()) {
                it.remove();
            }
        }
        Upload upload = uploads.computeIfAbsent(id, k -> new Upload(count));
        if (upload.count != count) {
            throw CommandException.badRequest("args.count", "upload " + id + " has " + upload.count + " chunks, not " + count);
        }
        if (sha != null) {
            if (upload.sha256 != null && !upload.sha256.equalsIgnoreCase(sha)) {
                throw CommandException.badRequest("args.sha256", "differs from the one given with an earlier chunk");
            }
            upload.sha256 = sha;
        }
        upload.touched = now;
        if (upload.chunks[index] == null) {
            upload.chunks[index] = chunk;
            upload.received++;
            upload.bytes += chunk.length;
        }
        if (upload.bytes > settings.maxBundleBytes()) {
            uploads.remove(id);
            throw new CommandException(413, "payload-too-large", "upload " + id + " exceeds " + settings.maxBundleBytes()
                    + " bytes", "args.data");
        }
        if (upload.received < count) {
            return null;
        }
        uploads.remove(id);
        ByteArrayOutputStream all = new ByteArrayOutputStream((int) upload.bytes);
        for (byte[] part : upload.chunks) {
            all.writeBytes(part);
        }
        return new Assembled(all.toByteArray(), upload.sha256);
    }

    private byte[] fetch(String url) throws CommandException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw CommandException.badRequest("args.url", "not a URI: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!settings.urlSchemes().contains(scheme)) {
            throw CommandException.badRequest("args.url", "scheme '" + scheme + "' not allowed; allowed: "
                    + settings.urlSchemes());
        }
        try {
            URLConnection connection = uri.toURL().openConnection();
            connection.setConnectTimeout(settings.urlTimeoutMillis());
            connection.setReadTimeout(settings.urlTimeoutMillis());
            try (InputStream in = connection.getInputStream()) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, settings.maxBundleBytes() + 1));
                if (bytes.length > settings.maxBundleBytes()) {
                    throw new CommandException(413, "payload-too-large", "content at " + url + " exceeds "
                            + settings.maxBundleBytes() + " bytes", "args.url");
                }
                return bytes;
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new CommandException(502, "fetch-failed", "cannot fetch " + url + ": " + e, "args.url");
        }
    }

    static Manifest manifest(byte[] jar, String field) throws CommandException {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest m = in.getManifest();
            if (m == null || m.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw CommandException.badRequest(field, "not an OSGi bundle: no Bundle-SymbolicName in its manifest");
            }
            return m;
        } catch (IOException e) {
            throw CommandException.badRequest(field, "not a jar: " + e.getMessage());
        }
    }

    static String symbolicName(Manifest m) {
        String raw = m.getMainAttributes().getValue("Bundle-SymbolicName");
        int semicolon = raw.indexOf(';');
        return (semicolon < 0 ? raw : raw.substring(0, semicolon)).trim();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
