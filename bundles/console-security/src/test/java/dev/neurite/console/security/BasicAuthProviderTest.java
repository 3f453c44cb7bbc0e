package dev.neurite.console.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BasicAuthProviderTest {

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesBasicHeaders() {
        assertArrayEquals(new String[] {"admin", "a:b"}, BasicAuthProvider.decode(basic("admin", "a:b")));
        assertArrayEquals(new String[] {"ünï", "pw"}, BasicAuthProvider.decode("  basic " + basic("ünï", "pw").substring(6)));
        assertNull(BasicAuthProvider.decode(null));
        assertNull(BasicAuthProvider.decode("Bearer abc"));
        assertNull(BasicAuthProvider.decode("Basic !!!"));
        assertNull(BasicAuthProvider.decode("Basic " + Base64.getEncoder().encodeToString("nocolon".getBytes())));
    }

    @Test
    void acceptsOnlyTheConfiguredPair() {
        BasicAuthProvider provider = new BasicAuthProvider(
                new BasicAuthProvider.Credentials("ops", Password.parse("pw-1"), "Neurite"));
        assertEquals("ops", call(provider, basic("ops", "pw-1"), new HashMap<>()));

        Map<String, Object> response = new HashMap<>();
        assertNull(call(provider, basic("admin", "admin"), response));
        assertEquals(401, response.get("status"));
        assertTrue(String.valueOf(response.get("WWW-Authenticate")).startsWith("Basic realm=\"Neurite\""));
        assertNull(call(provider, basic("admin", "pw-1"), new HashMap<>()));
        assertNull(call(provider, null, new HashMap<>()));

        provider.update(new BasicAuthProvider.Credentials("ops", Password.parse("pw-2"), "Neurite"));
        assertNull(call(provider, basic("ops", "pw-1"), new HashMap<>()));
        assertEquals("ops", call(provider, basic("ops", "pw-2"), new HashMap<>()));
    }

    @Test
    void failsClosedWithoutPassword() {
        BasicAuthProvider provider = new BasicAuthProvider(new BasicAuthProvider.Credentials("admin", null, "Neurite"));
        assertNull(call(provider, basic("admin", "admin"), new HashMap<>()));
        assertNull(call(provider, basic("admin", ""), new HashMap<>()));
    }

    /** Runs authenticate with a request carrying {@code authorization}; the response records status and headers. */
    private static Object call(BasicAuthProvider provider, String authorization, Map<String, Object> response) {
        HttpServletRequest request = (HttpServletRequest) Proxy.newProxyInstance(BasicAuthProviderTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHeader")) {
                        return "Authorization".equalsIgnoreCase((String) args[0]) ? authorization : null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        HttpServletResponse resp = (HttpServletResponse) Proxy.newProxyInstance(BasicAuthProviderTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "setHeader" -> response.put((String) args[0], args[1]);
                        case "setStatus" -> response.put("status", args[0]);
                        case "setContentLength", "flushBuffer" -> { }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                    return null;
                });
        return provider.authenticate(request, resp);
    }
}
