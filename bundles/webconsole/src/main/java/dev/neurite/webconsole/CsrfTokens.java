package dev.neurite.webconsole;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * One random token per console session and logged-in user. Every state-changing POST must
 * carry it, which a page of another site cannot read or guess; a token handed to one user
 * is not accepted for another who logs in within the same browser session.
 */
final class CsrfTokens {

    static final String PARAMETER = "csrf";
    static final String HEADER = "X-Neurite-CSRF";
    private static final String ATTRIBUTE = CsrfTokens.class.getName();
    private static final SecureRandom RANDOM = new SecureRandom();

    private CsrfTokens() {
    }

    /** The session's token, created with the session on first use. */
    static String token(HttpServletRequest request) {
        HttpSession session = request.getSession(true);
        String attribute = attribute(request);
        synchronized (CsrfTokens.class) {
            Object existing = session.getAttribute(attribute);
            if (existing instanceof String token) {
                return token;
            }
            byte[] bytes = new byte[32];
            RANDOM.nextBytes(bytes);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            session.setAttribute(attribute, token);
            return token;
        }
    }

    /** Whether the request carries its session's token, as form field or header. */
    static boolean valid(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(attribute(request)) instanceof String expected)) {
            return false;
        }
        String given = request.getParameter(PARAMETER);
        if (given == null) {
            given = request.getHeader(HEADER);
        }
        // Constant-time comparison: response timing must not reveal how much of a guess matched.
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private static String attribute(HttpServletRequest request) {
        return ATTRIBUTE + "." + NeuritePlugin.user(request);
    }

    /** The hidden form field that carries the token. */
    static String field(HttpServletRequest request) {
        return "<input type='hidden' name='" + PARAMETER + "' value='" + Html.attr(token(request)) + "'>";
    }
}
