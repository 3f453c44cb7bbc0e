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

    private final String root;

    public Topics(String deviceId) {
        this.root = VERSION_ROOT + "/" + level("deviceId", deviceId);
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

    /** Subscription filter for commands sent to a fleet group. */
    public static String fleetCommandFilter(String group) {
        return VERSION_ROOT + "/fleet/" + level("group", group) + "/cmd/+/+";
    }
}
