package dev.neurite.console.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.spi.SecurityProvider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP Basic authentication against one user name and password. The credentials can be
 * swapped while the service stays registered, so a configuration change never takes the
 * console down (or, worse, leaves it briefly without this provider).
 */
final class BasicAuthProvider implements SecurityProvider {

    /** Who may log in; {@code password == null} means nobody (fail closed). */
    record Credentials(String username, Password password, String realm) {
        boolean accept(String user, String candidate) {
            // Check the password even when the user is wrong, so timing does not tell which part failed.
            boolean passwordOk = password != null && password.matches(candidate);
            return passwordOk & username.equals(user);
        }
    }

    private volatile Credentials credentials;

    BasicAuthProvider(Credentials credentials) {
        this.credentials = credentials;
    }

    void update(Credentials credentials) {
        this.credentials = credentials;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        Credentials current = credentials;
        String[] userAndPassword = decode(request.getHeader("Authorization"));
        if (userAndPassword != null && current.accept(userAndPassword[0], userAndPassword[1])) {
            return userAndPassword[0];
        }
        // Per the SecurityProvider contract a null result means we answered the client ourselves.
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + current.realm().replace("\"", "'") + "\", charset=\"UTF-8\"");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentLength(0);
        try {
            response.flushBuffer();
        } catch (IOException e) {
            // The client went away; there is nobody left to tell.
        }
        return null;
    }

    /** One administrator: whoever authenticated may use every part of the console. */
    @Override
    public boolean authorize(Object user, String role) {
        return user != null;
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // Basic authentication keeps no server-side state; the console's own logout answer
        // (a 401 challenge) makes the browser forget the credentials.
    }

    /** {@code [user, password]} from a Basic {@code Authorization} header, or null. */
    static String[] decode(String header) {
        if (header == null) {
            return null;
        }
        String trimmed = header.trim();
        int blank = trimmed.indexOf(' ');
        if (blank <= 0 || !trimmed.substring(0, blank).equalsIgnoreCase("Basic")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(trimmed.substring(blank + 1).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }
}
