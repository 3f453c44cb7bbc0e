package dev.neurite.image;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A systemd unit file read the way systemd reads it, as far as checking one needs: sections,
 * {@code Key=value} lines (a key may repeat), comments, and space-separated lists.
 */
final class SystemdUnit {

    private final Map<String, List<String>> entries = new LinkedHashMap<>();

    static SystemdUnit parse(String text) {
        SystemdUnit unit = new SystemdUnit();
        String section = null;
        int number = 0;
        for (String raw : text.split("\n")) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
                continue;
            }
            int equals = line.indexOf('=');
            if (section == null || equals <= 0 || line.endsWith("\\")) {
                fail("unit line " + number + " is not Key=value inside a section: " + raw);
            }
            unit.entries.computeIfAbsent(section + "/" + line.substring(0, equals).strip(), k -> new ArrayList<>())
                    .add(line.substring(equals + 1).strip());
        }
        return unit;
    }

    /** The one value of a key that must appear exactly once. */
    String single(String section, String key) {
        List<String> values = entries.getOrDefault(section + "/" + key, List.of());
        assertEquals(1, values.size(), "[" + section + "] " + key + " values: " + values);
        return values.get(0);
    }

    /** Every word of every value of a key (list settings such as ReadWritePaths). */
    List<String> all(String section, String key) {
        List<String> words = new ArrayList<>();
        for (String value : entries.getOrDefault(section + "/" + key, List.of())) {
            words.addAll(List.of(value.split("\\s+")));
        }
        return words;
    }
}
