package dev.neurite.edge.core;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;

/**
 * Checks the jar signature of a bundle before it is installed: every entry outside
 * {@code META-INF/} must be signed (the JDK verifies each entry's digest while it is read),
 * and each entry must carry a signer whose certificate chain the bundle trust store trusts.
 * Unsigned bundles pass only when signatures are not required; a signed bundle is always
 * checked in full once a trust store is configured.
 */
public final class BundleSignatures {

    /** Where trust comes from and whether unsigned bundles are refused. */
    public record Policy(Path trustStore, String trustStoreType, char[] trustStorePassword, boolean requireSigned) {

        public static Policy none() {
            return new Policy(null, null, null, false);
        }

        boolean active() {
            return trustStore != null || requireSigned;
        }
    }

    private final Policy policy;

    public BundleSignatures(Policy policy) {
        this.policy = policy == null ? Policy.none() : policy;
    }

    public Policy policy() {
        return policy;
    }

    /**
     * Throws a {@link CommandException} (403 {@code unsigned-bundle}, 403 {@code untrusted-signer},
     * 422 {@code signature-invalid}, 500 {@code trust-store-unavailable}) unless the jar may be installed.
     */
    public void check(byte[] jar, String field) throws CommandException {
        if (!policy.active()) {
            return;
        }
        List<String> unsigned = new ArrayList<>();
        Map<String, CodeSigner[]> signed = new HashMap<>();
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar), true)) {
            JarEntry entry;
            byte[] buffer = new byte[8192];
            while ((entry = in.getNextJarEntry()) != null) {
                // Digests are checked as the entry is read to its end; a mismatch throws here.
                while (in.read(buffer) >= 0) {
                    // drain
                }
                if (entry.isDirectory() || entry.getName().toUpperCase(Locale.ROOT).startsWith("META-INF/")) {
                    continue;
                }
                CodeSigner[] signers = entry.getCodeSigners();
                if (signers == null || signers.length == 0) {
                    unsigned.add(entry.getName());
                } else {
                    signed.put(entry.getName(), signers);
                }
            }
        } catch (SecurityException e) {
            throw new CommandException(422, "signature-invalid", "the bundle's signature does not match its content ("
                    + e.getMessage() + "); it was changed after signing; nothing installed", field);
        } catch (IOException e) {
            throw CommandException.badRequest(field, "not a jar: " + e.getMessage());
        }
        if (signed.isEmpty()) {
            if (policy.requireSigned()) {
                throw new CommandException(403, "unsigned-bundle",
                        "the bundle is not signed and this device requires signed bundles; nothing installed", field);
            }
            return;
        }
        if (!unsigned.isEmpty()) {
            throw new CommandException(422, "signature-invalid", "entries not covered by the signature: "
                    + preview(unsigned) + "; they were added or changed after signing; nothing installed", field);
        }
        Set<X509Certificate> trusted = trustedCertificates();
        Map<CodeSigner, Boolean> verdicts = new HashMap<>();
        Set<String> untrusted = new LinkedHashSet<>();
        for (CodeSigner[] signers : signed.values()) {
            boolean ok = false;
            for (CodeSigner signer : signers) {
                boolean t = verdicts.computeIfAbsent(signer, s -> trusts(trusted, s.getSignerCertPath()));
                if (t) {
                    ok = true;
                } else {
                    untrusted.add(subject(signer));
                }
            }
            if (!ok) {
                throw new CommandException(403, "untrusted-signer", "the bundle is signed by " + String.join(", ", untrusted)
                        + (trusted.isEmpty() ? ", but no bundle trust store is configured"
                        : ", which the bundle trust store does not trust") + "; nothing installed", field);
            }
        }
    }

    private Set<X509Certificate> trustedCertificates() throws CommandException {
        if (policy.trustStore() == null) {
            return Set.of();
        }
        try (InputStream in = Files.newInputStream(policy.trustStore())) {
            KeyStore store = KeyStore.getInstance(policy.trustStoreType() == null || policy.trustStoreType().isBlank()
                    ? "PKCS12" : policy.trustStoreType());
            store.load(in, policy.trustStorePassword());
            Set<X509Certificate> certificates = new HashSet<>();
            for (String alias : Collections.list(store.aliases())) {
                if (store.getCertificate(alias) instanceof X509Certificate c) {
                    certificates.add(c);
                }
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new CommandException(500, "trust-store-unavailable", "the bundle trust store " + policy.trustStore()
                    + " cannot be read: " + e.getMessage() + "; nothing installed", null);
        }
    }

    /**
     * Whether a signer's chain leads to a trusted certificate: the signer's own certificate
     * may be trusted directly (a self-signed deployment key), or the chain up to the first
     * trusted certificate must validate (PKIX, no revocation checks on offline devices).
     */
    static boolean trusts(Set<X509Certificate> trusted, CertPath path) {
        if (trusted.isEmpty() || path == null) {
            return false;
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (var c : path.getCertificates()) {
            if (!(c instanceof X509Certificate x)) {
                return false;
            }
            chain.add(x);
        }
        if (chain.isEmpty()) {
            return false;
        }
        int anchor = -1;
        for (int i = 0; i < chain.size(); i++) {
            if (trusted.contains(chain.get(i))) {
                anchor = i;
                break;
            }
        }
        try {
            if (anchor == 0) {
                chain.get(0).checkValidity();
                return true;
            }
            Set<TrustAnchor> anchors = new HashSet<>();
            if (anchor > 0) {
                anchors.add(new TrustAnchor(chain.get(anchor), null));
                chain = chain.subList(0, anchor);
            } else {
                for (X509Certificate c : trusted) {
                    anchors.add(new TrustAnchor(c, null));
                }
            }
            PKIXParameters parameters = new PKIXParameters(anchors);
            parameters.setRevocationEnabled(false);
            CertPath sub = CertificateFactory.getInstance("X.509").generateCertPath(chain);
            CertPathValidator.getInstance("PKIX").validate(sub, parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String subject(CodeSigner signer) {
        var certs = signer.getSignerCertPath().getCertificates();
        return certs.isEmpty() || !(certs.get(0) instanceof X509Certificate x) ? "an unknown signer"
                : "'" + x.getSubjectX500Principal().getName() + "'";
    }

    private static String preview(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
