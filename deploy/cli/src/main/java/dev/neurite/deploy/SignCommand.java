package dev.neurite.deploy;

import jdk.security.jarsigner.JarSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.zip.ZipFile;

/**
 * {@code sign}: signs a bundle as {@code jarsigner} does (the JDK's signing API), so it
 * verifies with {@code jarsigner -verify} and on devices that require signed bundles.
 */
@Command(name = "sign", description = "Sign a bundle jar with a key from a key store (jarsigner-compatible).")
final class SignCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BUNDLE.jar", description = "the jar to sign")
    Path jar;

    @Option(names = "--keystore", required = true, paramLabel = "FILE", description = "key store (PKCS12 or JKS)")
    Path keystore;

    @Option(names = "--alias", required = true, paramLabel = "ALIAS", description = "the signing key's alias")
    String alias;

    @Option(names = "--storepass", paramLabel = "SECRET", arity = "0..1", interactive = true,
            description = "key store password (without a value: asked for)")
    char[] storepass;

    @Option(names = "--keypass", paramLabel = "SECRET", arity = "0..1", interactive = true,
            description = "key password (default: the key store password)")
    char[] keypass;

    @Option(names = "--storetype", paramLabel = "TYPE", description = "key store type (default: detected)")
    String storetype;

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the signed jar (default: replace BUNDLE.jar)")
    Path out;

    @Option(names = "--digest", paramLabel = "ALG", defaultValue = "SHA-256", description = "digest algorithm (default: ${DEFAULT-VALUE})")
    String digest;

    /** The signature files' base name as jarsigner derives it from the alias: 8 characters, upper case. */
    static String signerName(String alias) {
        String name = alias.length() > 8 ? alias.substring(0, 8) : alias;
        name = name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9_-]", "_");
        return name.isEmpty() ? "SIGNER" : name;
    }

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            System.err.println("neurite-deploy sign: " + jar + ": no such file");
            return NeuriteDeploy.USAGE;
        }
        KeyStore store;
        PrivateKey key;
        Certificate[] chain;
        try {
            char[] password = storepass == null ? new char[0] : storepass;
            if (storetype == null) {
                store = KeyStore.getInstance(keystore.toFile(), password);
            } else {
                store = KeyStore.getInstance(storetype);
                try (var in = Files.newInputStream(keystore)) {
                    store.load(in, password);
                }
            }
            Key k = store.getKey(alias, keypass == null ? password : keypass);
            chain = store.getCertificateChain(alias);
            if (!(k instanceof PrivateKey pk) || chain == null || chain.length == 0) {
                System.err.println("neurite-deploy sign: no private key with a certificate under alias '" + alias
                        + "' in " + keystore);
                return NeuriteDeploy.USAGE;
            }
            key = pk;
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("neurite-deploy sign: cannot read the key from " + keystore + ": " + e.getMessage());
            return NeuriteDeploy.USAGE;
        }
        JarSigner signer = new JarSigner.Builder(key,
                CertificateFactory.getInstance("X.509").generateCertPath(Arrays.asList(chain)))
                .digestAlgorithm(digest)
                .signerName(signerName(alias))
                .build();
        Path target = out == null ? jar : out;
        Path parent = target.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(parent, ".signing-", ".jar");
        try {
            try (ZipFile in = new ZipFile(jar.toFile()); OutputStream os = Files.newOutputStream(tmp)) {
                signer.sign(in, os);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        String subject = chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal().getName() : alias;
        System.out.println("signed " + target + " with '" + alias + "' (" + subject + "), "
                + signer.getDigestAlgorithm() + "/" + signer.getSignatureAlgorithm());
        return NeuriteDeploy.OK;
    }
}
