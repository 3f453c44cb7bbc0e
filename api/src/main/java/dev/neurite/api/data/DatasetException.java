package dev.neurite.api.data;

/**
 * A dataset could not be opened: unknown name, unreadable or malformed file, or a file
 * whose SHA-256 differs from the expected one. The message names the file and, for a
 * checksum mismatch, both checksums.
 */
public class DatasetException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String file;

    public DatasetException(String message, String file) {
        super(message);
        this.file = file;
    }

    public DatasetException(String message, String file, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The offending file, or {@code null} when the problem is not a file's. */
    public String file() {
        return file;
    }
}
