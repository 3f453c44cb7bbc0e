package dev.neurite.webconsole;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/** One user's browser against a plugin: its session survives between requests, as a cookie would keep it. */
final class Browser {

    private Map<String, Object> session;
    private String user = "admin";

    /** Logs in as another user, keeping the browser's session. */
    Browser as(String user) {
        this.user = user;
        return this;
    }

    /** Drops the session, as a different browser (or another site's page) would have none. */
    Browser forgetSession() {
        session = null;
        return this;
    }

    Exchange get(String pathInfo, String... params) {
        return new Exchange(this, "GET", pathInfo, params);
    }

    Exchange post(String pathInfo, String... params) {
        return new Exchange(this, "POST", pathInfo, params);
    }

    /** One request and what came back. */
    static final class Exchange {
        final HttpServletRequest request = mock(HttpServletRequest.class);
        final HttpServletResponse response = mock(HttpServletResponse.class);
        final Map<String, String> params = new LinkedHashMap<>();
        final Map<String, String> headers = new HashMap<>();
        private final StringWriter text = new StringWriter();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = 200;

        Exchange(Browser browser, String method, String pathInfo, String... pairs) {
            for (int i = 0; i < pairs.length; i += 2) {
                params.put(pairs[i], pairs[i + 1]);
            }
            when(request.getMethod()).thenReturn(method);
            when(request.getPathInfo()).thenReturn(pathInfo);
            when(request.getAttribute("felix.webconsole.appRoot")).thenReturn("/system/console");
            when(request.getRemoteUser()).thenReturn(browser.user);
            when(request.getParameter(anyString())).thenAnswer(i -> params.get(i.<String>getArgument(0)));
            when(request.getParameterNames()).thenAnswer(i -> Collections.enumeration(params.keySet()));
            when(request.getSession(anyBoolean())).thenAnswer(i -> {
                if (browser.session == null && !i.<Boolean>getArgument(0)) {
                    return null;
                }
                if (browser.session == null) {
                    browser.session = new HashMap<>();
                }
                return session(browser.session);
            });
            try {
                doAnswer(i -> status = i.getArgument(0)).when(response).setStatus(anyInt());
                doAnswer(i -> status = i.getArgument(0)).when(response).sendError(anyInt());
                doAnswer(i -> headers.put(i.getArgument(0), i.getArgument(1))).when(response).setHeader(anyString(), anyString());
                doAnswer(i -> headers.put("Content-Type", i.getArgument(0))).when(response).setContentType(anyString());
                when(response.getWriter()).thenReturn(new PrintWriter(text, true));
                when(response.getOutputStream()).thenReturn(new ServletOutputStream() {
                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(WriteListener listener) {
                    }

                    @Override
                    public void write(int b) {
                        bytes.write(b);
                    }
                });
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        private static HttpSession session(Map<String, Object> attributes) {
            HttpSession s = mock(HttpSession.class);
            when(s.getAttribute(anyString())).thenAnswer(i -> attributes.get(i.<String>getArgument(0)));
            doAnswer(i -> attributes.put(i.getArgument(0), i.getArgument(1))).when(s).setAttribute(anyString(), any());
            return s;
        }

        Exchange param(String name, String value) {
            params.put(name, value);
            return this;
        }

        String body() {
            return text.toString();
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        String bytesAsText() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** The CSRF token a rendered page carries in its forms. */
    static String token(String page) {
        Matcher m = Pattern.compile("name='csrf' value='([^']+)'").matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in\n" + page);
        }
        return m.group(1);
    }
}
