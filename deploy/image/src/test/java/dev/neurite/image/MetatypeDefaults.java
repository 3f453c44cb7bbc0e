package dev.neurite.image;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import javax.xml.parsers.DocumentBuilderFactory;

/** The Metatype defaults of every configuration PID that the Neurite bundles in an image declare. */
final class MetatypeDefaults {

    private MetatypeDefaults() {
    }

    /** PID to attribute id to default ("" when none), from the image's embedded dev.neurite bundles. */
    static Map<String, Map<String, String>> read(Path image) throws Exception {
        Map<String, Map<String, String>> byPid = new HashMap<>();
        try (JarFile jar = new JarFile(image.toFile())) {
            for (ZipEntry entry : jar.stream().toList()) {
                if (entry.getName().startsWith("jar/neurite-") && entry.getName().endsWith(".jar")) {
                    try (ZipInputStream bundle = new ZipInputStream(jar.getInputStream(entry))) {
                        readBundle(bundle, byPid);
                    }
                }
            }
        }
        return byPid;
    }

    private static void readBundle(ZipInputStream bundle, Map<String, Map<String, String>> byPid) throws Exception {
        for (ZipEntry e; (e = bundle.getNextEntry()) != null; ) {
            if (e.getName().startsWith("OSGI-INF/metatype/") && e.getName().endsWith(".xml")) {
                readMetatype(bundle.readAllBytes(), byPid);
            }
        }
    }

    private static void readMetatype(byte[] xml, Map<String, Map<String, String>> byPid) throws Exception {
        Document doc;
        try (InputStream in = new ByteArrayInputStream(xml)) {
            doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }
        Map<String, Map<String, String>> byOcd = new HashMap<>();
        NodeList ocds = doc.getElementsByTagName("OCD");
        for (int i = 0; i < ocds.getLength(); i++) {
            Element ocd = (Element) ocds.item(i);
            Map<String, String> attributes = new HashMap<>();
            NodeList ads = ocd.getElementsByTagName("AD");
            for (int j = 0; j < ads.getLength(); j++) {
                Element ad = (Element) ads.item(j);
                attributes.put(ad.getAttribute("id"), ad.getAttribute("default"));
            }
            byOcd.put(ocd.getAttribute("id"), attributes);
        }
        NodeList designates = doc.getElementsByTagName("Designate");
        for (int i = 0; i < designates.getLength(); i++) {
            Element designate = (Element) designates.item(i);
            Element object = (Element) designate.getElementsByTagName("Object").item(0);
            Map<String, String> attributes = byOcd.get(object.getAttribute("ocdref"));
            if (attributes == null) {
                throw new IOException("Designate " + designate.getAttribute("pid") + " refers to a missing OCD");
            }
            byPid.put(designate.getAttribute("pid"), attributes);
        }
    }
}
