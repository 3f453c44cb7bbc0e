package dev.neurite.edge;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The MQTT topic scheme of one device, rooted at {@code neurite/v1/<deviceId>}: commands
 * under {@code cmd/<app>/<verb>}, replies under {@code reply/<id>}, the retained
 * {@code state}, and telemetry ({@code metrics}, {@code events}, {@code jobs/<id>/progress}).
 */
public final class Topics {

    public static final String VERSION_ROOT = "neurite/v1";
    /** MQTT forbids wildcards and separators inside a level; keep ids portable across brokers. */
    private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final String base;
    private final String deviceId;
    private final String root;

    public Topics(String deviceId) {
        this(VERSION_ROOT, deviceId);
    }

    /** A scheme under another root than {@value #VERSION_ROOT}, for brokers shared with other uses. */
    public Topics(String base, String deviceId) {
        Objects.requireNonNull(base, "topic root");
        for (String part : base.split("/", -1)) {
            level("topic root level", part);
        }
        this.base = base;
        this.deviceId = level("deviceId", deviceId);
        this.root = base + "/" + deviceId;
    }

    public String deviceId() {
        return deviceId;
    }

    /** Checks that a value can stand as one topic level. */
    static String level(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!LEVEL.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-128 of [A-Za-z0-9._-], got '" + value + "'");
        }
        return value;
    }

    public String root() {
        return root;
    }

    public String command(String app, String verb) {
        return root + "/cmd/" + level("app", app) + "/" + level("verb", verb);
    }

    /** Subscription filter for every command addressed to this device. */
    public String commandFilter() {
        return root + "/cmd/+/+";
    }

    public String reply(String requestId) {
        return root + "/reply/" + level("request id", requestId);
    }

    public String state() {
        return root + "/state";
    }

    public String metrics() {
        return root + "/metrics";
    }

    public String events() {
        return root + "/events";
    }

    public String jobProgress(String jobId) {
        return root + "/jobs/" + level("job id", jobId) + "/progress";
    }

    /** Subscription filter for commands sent to a fleet group under this scheme's root. */
    public String fleetFilter(String group) {
        return base + "/fleet/" + level("group", group) + "/cmd/+/+";
    }

    /** Subscription filter for commands sent to a fleet group. */
    public static String fleetCommandFilter(String group) {
        return VERSION_ROOT + "/fleet/" + level("group", group) + "/cmd/+/+";
    }

    /**
     * The {@code app/verb} of a command topic addressed to this device or to a fleet group
     * under this root, or {@code null} when the topic is no command of ours.
     */
    public String commandOf(String topic) {
        if (topic == null || !topic.startsWith(base + "/")) {
            return null;
        }
        String[] rest = topic.substring(base.length() + 1).split("/", -1);
        boolean direct = rest.length == 4 && rest[0].equals(deviceId) && rest[1].equals("cmd");
        boolean fleet = rest.length == 5 && rest[0].equals("fleet") && rest[2].equals("cmd");
        if (!direct && !fleet) {
            return null;
        }
        return rest[rest.length - 2] + "/" + rest[rest.length - 1];
    }

    /**
     * Whether a device may publish a reply to this topic: a valid MQTT topic name (no
     * wildcards, no NUL, not a {@code $} system topic, at most 65535 bytes) that is not a
     * command topic, so a request cannot make a device command another device.
     */
    public static boolean replyTopicAllowed(String topic) {
        if (topic == null || topic.isEmpty() || topic.startsWith("$")
                || topic.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 65535) {
            return false;
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#' || c == 0) {
                return false;
            }
        }
        return !("/" + topic + "/").contains("/cmd/");
    }

    /** Whether a value can stand as one topic level of this scheme. */
    public static boolean isLevel(String value) {
        return value != null && LEVEL.matcher(value).matches();
    }
}
