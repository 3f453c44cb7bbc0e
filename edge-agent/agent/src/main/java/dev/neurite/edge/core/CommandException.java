package dev.neurite.edge.core;

/**
 * A command failed in a way its caller should be told about: an HTTP-like status, a short
 * machine-readable code, a message and, for bad input, the field at fault.
 */
public class CommandException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    public CommandException(int status, String code, String message, String field) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public static CommandException badRequest(String field, String message) {
        return new CommandException(400, "invalid-argument", field == null ? message : field + ": " + message, field);
    }

    public static CommandException notFound(String message) {
        return new CommandException(404, "not-found", message, null);
    }

    public static CommandException conflict(String message) {
        return new CommandException(409, "conflict", message, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
