package dev.neurite.console.security;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordTest {

    @Test
    void plainPasswordMatchesOnlyItself() {
        Password p = Password.parse("s3cret!");
        assertTrue(p.matches("s3cret!"));
        assertFalse(p.matches("s3cret"));
        assertFalse(p.matches("S3CRET!"));
        assertFalse(p.matches(""));
        assertFalse(p.matches(null));
    }

    @Test
    void sha256FormMatchesThePlainText() {
        // The Web Console's own default, {sha-256} of "admin", must keep meaning "admin".
        Password p = Password.parse("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=");
        assertTrue(p.matches("admin"));
        assertFalse(p.matches("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg="));
        assertEquals("{sha-256}jGl25bVBBBW96Qi9Te4V37Fnqchz/Eu4qB9vKrRIqRg=", Password.hash("admin"));
        assertTrue(Password.parse("{SHA-256}" + Password.hash("x").substring(9)).matches("x"));
    }

    @Test
    void malformedOrUnsupportedHashesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Password.parse("{sha-256}not base64!"));
        assertThrows(IllegalArgumentException.class, () -> Password.parse("{sha-256}AAAA"));
        assertThrows(IllegalArgumentException.class, () -> Password.parse("{md5}X03MO1qnZdYdgyfeuILPmQ=="));
        assertThrows(IllegalArgumentException.class, () -> Password.parse(""));
    }
}
