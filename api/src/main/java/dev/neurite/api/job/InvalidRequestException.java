package dev.neurite.api.job;

/**
 * A request was refused before anything changed: the message says why and {@link #field()}
 * names the offending field, so callers (Gogo, MQTT, the console) can point at it.
 */
public class InvalidRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field == null ? message : field + ": " + message);
        this.field = field;
    }

    /** Name of the request field at fault, or {@code null} when it is the request as a whole. */
    public String field() {
        return field;
    }
}
