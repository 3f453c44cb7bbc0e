package dev.neurite.console.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * An expected password: plain text, or {@value #SHA256_PREFIX} followed by the Base64 SHA-256
 * of the password's UTF-8 bytes (the Web Console's own format, so existing hashes carry over).
 * Only the digest is kept, and candidates are compared digest to digest in constant time, so
 * neither the plain text's length nor its content leaks through timing.
 */
final class Password {

    static final String SHA256_PREFIX = "{sha-256}";

    private final byte[] digest;

    private Password(byte[] digest) {
        this.digest = digest;
    }

    /**
     * Parses a configured password. A value starting with another {@code {algorithm}} prefix is
     * refused rather than taken as plain text: it is almost certainly a hash this code cannot
     * check, and accepting its literal text as the password would be a silent weakening.
     */
    static Password parse(String configured) {
        if (configured == null || configured.isEmpty()) {
            throw new IllegalArgumentException("the password is empty");
        }
        if (configured.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length())) {
            byte[] hash;
            try {
                hash = Base64.getDecoder().decode(configured.substring(SHA256_PREFIX.length()).trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + SHA256_PREFIX + " password is not valid Base64");
            }
            if (hash.length != 32) {
                throw new IllegalArgumentException("the " + SHA256_PREFIX + " password decodes to " + hash.length
                        + " bytes; a SHA-256 digest has 32");
            }
            return new Password(hash);
        }
        if (configured.matches("(?s)\\{[A-Za-z0-9-]+\\}.*")) {
            String algorithm = configured.substring(0, configured.indexOf('}') + 1).toLowerCase(Locale.ROOT);
            throw new IllegalArgumentException("password hashes of type " + algorithm + " are not supported; use plain text or "
                    + SHA256_PREFIX + " followed by the Base64 SHA-256 of the password");
        }
        return new Password(sha256(configured));
    }

    boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(digest, sha256(candidate));
    }

    /** The {@value #SHA256_PREFIX} form of {@code plain}, for configuration files. */
    static String hash(String plain) {
        return SHA256_PREFIX + Base64.getEncoder().encodeToString(sha256(plain));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
