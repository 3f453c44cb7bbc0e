package dev.neurite.webconsole;

import org.owasp.encoder.Encode;

/** Output encoding for everything a page shows: names, reasons and metrics come from users and bundles. */
final class Html {

    private Html() {
    }

    /** Text content of an element. */
    static String text(Object value) {
        return value == null ? "" : Encode.forHtml(String.valueOf(value));
    }

    /** A quoted attribute value. */
    static String attr(Object value) {
        return value == null ? "" : Encode.forHtmlAttribute(String.valueOf(value));
    }

    /** One query parameter value inside a URL. */
    static String query(Object value) {
        return value == null ? "" : Encode.forUriComponent(String.valueOf(value));
    }

    /** Bytes as MiB or GiB, for people. */
    static String bytes(long bytes) {
        if (bytes < 0) {
            return "-";
        }
        if (bytes >= 10L << 30) {
            return String.format("%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format("%.1f MiB", bytes / (double) (1L << 20));
        }
        return String.format("%.1f KiB", bytes / 1024.0);
    }

    /** A number with four significant decimals, or a dash when there is none. */
    static String number(Double value) {
        return value == null || !Double.isFinite(value) ? "-" : String.format("%.4f", value);
    }

    /** A horizontal bar for a fraction from 0 to 1, with its text. */
    static String bar(double fraction, String label) {
        double f = Double.isFinite(fraction) ? Math.max(0, Math.min(1, fraction)) : 0;
        return "<span class='neurite-bar' title='" + attr(label) + "'><span style='width:" + Math.round(f * 100)
                + "%'></span></span> " + text(label);
    }
}
