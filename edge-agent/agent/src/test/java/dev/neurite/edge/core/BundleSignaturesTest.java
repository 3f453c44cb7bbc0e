package dev.neurite.edge.core;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signature checks on bundles, with keys made by keytool for this run: a bundle signed by a
 * trusted key passes; unsigned, untrusted and tampered bundles are refused with their own
 * status and code.
 */
class BundleSignaturesTest {

    @TempDir
    static Path dir;
    static Path trustedKeys;
    static Path strangerKeys;
    static Path trustStore;
    static byte[] unsigned;
    static byte[] signed;

    @BeforeAll
    static void keys() throws Exception {
        trustedKeys = SigningKeys.keyPair(dir, "release", "release");
        strangerKeys = SigningKeys.keyPair(dir, "stranger", "stranger");
        trustStore = SigningKeys.trustStore(dir, "trust", trustedKeys, "release");
        unsigned = BundleCommandsFrameworkTest.bundle("test.signed", "1.0.0", Map.of());
        signed = SigningKeys.sign(unsigned, trustedKeys, "release", dir);
    }

    private static BundleSignatures requiring() {
        return new BundleSignatures(new BundleSignatures.Policy(trustStore, "PKCS12", SigningKeys.PASSWORD, true));
    }

    @Test
    void aBundleSignedByATrustedKeyIsAccepted() {
        assertDoesNotThrow(() -> requiring().check(signed, "args.data"));
    }

    @Test
    void anUnsignedBundleIsRefusedWhenSignaturesAreRequired() {
        CommandException e = assertThrows(CommandException.class, () -> requiring().check(unsigned, "args.data"));
        assertEquals(403, e.status());
        assertEquals("unsigned-bundle", e.code());
        assertEquals("args.data", e.field());
    }

    @Test
    void anUnsignedBundlePassesWhenSignaturesAreNotRequired() {
        BundleSignatures optional = new BundleSignatures(
                new BundleSignatures.Policy(trustStore, "PKCS12", SigningKeys.PASSWORD, false));
        assertDoesNotThrow(() -> optional.check(unsigned, "args.data"));
    }

    @Test
    void aBundleSignedByAnUntrustedKeyIsRefused() throws Exception {
        byte[] foreign = SigningKeys.sign(unsigned, strangerKeys, "stranger", dir);
        CommandException e = assertThrows(CommandException.class, () -> requiring().check(foreign, "args.data"));
        assertEquals(403, e.status());
        assertEquals("untrusted-signer", e.code());
        assertTrue(e.getMessage().contains("CN=stranger"), e.getMessage());
        // Even where unsigned bundles are allowed, a signature that is there must be trusted.
        BundleSignatures optional = new BundleSignatures(
                new BundleSignatures.Policy(trustStore, "PKCS12", SigningKeys.PASSWORD, false));
        assertEquals("untrusted-signer", assertThrows(CommandException.class,
                () -> optional.check(foreign, "args.data")).code());
    }

    @Test
    void aSignedBundleWithoutATrustStoreIsRefused() {
        BundleSignatures noTrust = new BundleSignatures(new BundleSignatures.Policy(null, null, null, true));
        CommandException e = assertThrows(CommandException.class, () -> noTrust.check(signed, "args.data"));
        assertEquals("untrusted-signer", e.code());
        assertTrue(e.getMessage().contains("no bundle trust store"), e.getMessage());
    }

    @Test
    void aTamperedEntryIsRefused() throws Exception {
        byte[] tampered = rewrite(signed, "readme.txt", "bundle test.signed 6.6.6".getBytes(StandardCharsets.UTF_8));
        CommandException e = assertThrows(CommandException.class, () -> requiring().check(tampered, "args.data"));
        assertEquals(422, e.status());
        assertEquals("signature-invalid", e.code());
    }

    @Test
    void anEntryAddedAfterSigningIsRefused() throws Exception {
        byte[] extended = rewrite(signed, "extra/Payload.class", new byte[]{(byte) 0xCA, (byte) 0xFE});
        CommandException e = assertThrows(CommandException.class, () -> requiring().check(extended, "args.data"));
        assertEquals(422, e.status());
        assertEquals("signature-invalid", e.code());
        assertTrue(e.getMessage().contains("extra/Payload.class"), e.getMessage());
    }

    @Test
    void anUnreadableTrustStoreIsReportedAsSuch() {
        BundleSignatures broken = new BundleSignatures(
                new BundleSignatures.Policy(dir.resolve("missing.p12"), "PKCS12", SigningKeys.PASSWORD, true));
        CommandException e = assertThrows(CommandException.class, () -> broken.check(signed, "args.data"));
        assertEquals(500, e.status());
        assertEquals("trust-store-unavailable", e.code());
    }

    /** The jar with {@code name} replaced (or added at the end) and every other entry copied as it was. */
    static byte[] rewrite(byte[] jar, String name, byte[] content) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean replaced = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
             ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) {
                zip.putNextEntry(new ZipEntry(e.getName()));
                if (e.getName().equals(name)) {
                    zip.write(content);
                    replaced = true;
                } else {
                    in.transferTo(zip);
                }
                zip.closeEntry();
            }
            if (!replaced) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(content);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
