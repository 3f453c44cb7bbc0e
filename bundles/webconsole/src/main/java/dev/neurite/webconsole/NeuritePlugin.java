package dev.neurite.webconsole;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.servlet.AbstractServlet;
import org.apache.felix.webconsole.servlet.ServletConstants;
import org.apache.felix.webconsole.servlet.User;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * What every Neurite console page shares: its own static files ({@code res/...}), JSON
 * endpoints below its label, CSRF-checked POST actions, and error pages that say what was
 * wrong. A GET of the label itself is left to the console, which draws its frame around
 * {@link #renderContent}.
 */
abstract class NeuritePlugin extends AbstractServlet {

    private static final long serialVersionUID = 1L;
    static final String CATEGORY = "Neurite";
    static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/";
    /** The files below {@code res/}: where they are in this bundle, and their type. */
    private static final Map<String, String[]> RESOURCES = Map.of(
            "neurite.js", new String[] {"res/neurite.js", "application/javascript"},
            "neurite.css", new String[] {"res/neurite.css", "text/css"},
            "uPlot.iife.min.js", new String[] {UPLOT + "dist/uPlot.iife.min.js", "application/javascript"},
            "uPlot.min.css", new String[] {UPLOT + "dist/uPlot.min.css", "text/css"},
            "uPlot.LICENSE", new String[] {UPLOT + "LICENSE", "text/plain"});

    /** The path segment after {@code /system/console/}. */
    abstract String label();

    /** Serves {@code sub} (a path below the label, without query); false if there is no such endpoint. */
    boolean get(String sub, HttpServletRequest request, HttpServletResponse response) throws IOException {
        return false;
    }

    /** Carries out a POST whose CSRF token was checked. */
    abstract void post(String action, HttpServletRequest request, HttpServletResponse response) throws IOException;

    /** The page's HTML inside the console frame. */
    abstract void render(HttpServletRequest request, PrintWriter out) throws IOException;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String sub = subPath(request);
        if (sub.isEmpty()) {
            return; // the console renders the frame and calls renderContent
        }
        if (sub.startsWith("res/")) {
            resource(sub.substring(4), response);
        } else if (!get(sub, request, response)) {
            refuse(request, response, HttpServletResponse.SC_NOT_FOUND, List.of(new Problem(null, "no such page: " + sub)));
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!CsrfTokens.valid(request)) {
            refuse(request, response, HttpServletResponse.SC_FORBIDDEN, List.of(new Problem(CsrfTokens.PARAMETER,
                    "missing or invalid CSRF token: changes are accepted only from this console's own forms "
                            + "(reload the page and try again)")));
            return;
        }
        String action = request.getParameter("action");
        post(action == null ? "" : action.trim(), request, response);
    }

    @Override
    public void renderContent(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        PrintWriter out = response.getWriter();
        String res = base(request) + "/res/";
        out.println("<link rel='stylesheet' href='" + Html.attr(res + "uPlot.min.css") + "'>");
        out.println("<link rel='stylesheet' href='" + Html.attr(res + "neurite.css") + "'>");
        out.println("<div class='neurite' id='neurite-" + Html.attr(label()) + "'>");
        render(request, out);
        out.println("</div>");
        out.println("<script src='" + Html.attr(res + "uPlot.iife.min.js") + "'></script>");
        out.println("<script src='" + Html.attr(res + "neurite.js") + "'></script>");
    }

    /** The absolute path of this page, for links, forms and scripts. */
    String base(HttpServletRequest request) {
        Object root = request.getAttribute(ServletConstants.ATTR_APP_ROOT);
        return (root == null ? "" : root.toString()) + "/" + label();
    }

    /** Who is logged in: the console's user object (the login name here), else the container's remote user. */
    static String user(HttpServletRequest request) {
        if (request.getAttribute(User.USER_ATTRIBUTE) instanceof User user && user.getUserObject() != null) {
            return String.valueOf(user.getUserObject());
        }
        return request.getRemoteUser();
    }

    /** The path below the label: {@code /neurite-jobs/progress.json} gives {@code progress.json}. */
    static String subPath(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null) {
            return "";
        }
        int slash = info.indexOf('/', 1);
        return slash < 0 ? "" : info.substring(slash + 1);
    }

    void json(HttpServletResponse response, Object body) throws IOException {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(GSON.toJson(body));
    }

    /** After a successful change: see the page again (POST, redirect, GET). */
    void seeOther(HttpServletRequest request, HttpServletResponse response, String query) {
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", base(request) + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    /** Refuses a request: the status, and a page that names each problem and links back. */
    void refuse(HttpServletRequest request, HttpServletResponse response, int status, List<Problem> problems) throws IOException {
        response.setStatus(status);
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        out.println("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Refused</title></head><body>");
        out.println("<h1 id='refused'>" + status + ": nothing was changed</h1><ul class='problems'>");
        for (Problem p : problems) {
            out.println("<li data-field='" + Html.attr(p.field()) + "'>" + Html.text(p) + "</li>");
        }
        out.println("</ul><p><a href='" + Html.attr(base(request)) + "'>Back</a></p></body></html>");
    }

    private void resource(String name, HttpServletResponse response) throws IOException {
        String[] resource = RESOURCES.get(name);
        InputStream in = resource == null ? null : NeuritePlugin.class.getResourceAsStream(resource[0]);
        if (in == null) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        try (in) {
            response.setStatus(HttpServletResponse.SC_OK);
            response.setContentType(resource[1]);
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "max-age=3600");
            OutputStream out = response.getOutputStream();
            in.transferTo(out);
        }
    }
}
