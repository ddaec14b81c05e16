package io.spillway.it;

import io.spillway.testkit.TempDirs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates made for a test with the JDK's own keytool (no extra dependency): a CA, PKCS12 key stores signed
 * by it (the broker's for localhost and 127.0.0.1, clients' by common name, an expired one) and a trust store
 * holding the CA; a second CA signs certificates that nobody trusts. Every store's password is {@link #PASSWORD}.
 */
final class TestPki {
    static final String PASSWORD = "test-store-pw";

    private final Path dir;
    private final Path keytool;

    private TestPki(Path dir) {
        this.dir = dir;
        this.keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
    }

    /** A CA named {@code ca} with its trust store; sign more with {@link #keyStore}. */
    static TestPki create() {
        TestPki pki = new TestPki(TempDirs.create("spillway-pki"));
        pki.ca("ca");
        return pki;
    }

    Path dir() {
        return dir;
    }

    /** A self-signed CA key store {@code <name>-ca.p12}, its certificate {@code <name>.pem}, trust store {@code <name>-trust.p12}. */
    void ca(String name) {
        run("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Spillway Test " + name,
                "-ext", "bc:c", "-validity", "3", "-keystore", path(name + "-ca.p12"), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
        run("-exportcert", "-rfc", "-alias", "ca", "-keystore", path(name + "-ca.p12"), "-storepass", PASSWORD,
                "-file", path(name + ".pem"));
        run("-importcert", "-noprompt", "-alias", "ca", "-file", path(name + ".pem"), "-keystore",
                path(name + "-trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    /** The trust store that trusts the CA of that name. */
    Path trustStore(String caName) {
        return dir.resolve(caName + "-trust.p12");
    }

    /** The PEM certificate of the CA of that name (for kcat's ssl.ca.location). */
    Path caPem(String caName) {
        return dir.resolve(caName + ".pem");
    }

    /**
     * A PKCS12 key store {@code <name>.p12} whose key's certificate (CN={@code cn}, for localhost and 127.0.0.1) the
     * CA {@code caName} signed; {@code expired} makes one that stopped being valid yesterday.
     */
    Path keyStore(String name, String cn, String caName, boolean expired) {
        String store = path(name + ".p12");
        run("-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn + ",O=Spillway",
                "-validity", "3", "-keystore", store, "-storetype", "PKCS12", "-storepass", PASSWORD);
        run("-certreq", "-alias", "key", "-keystore", store, "-storepass", PASSWORD, "-file", path(name + ".csr"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore",
                path(caName + "-ca.p12"), "-storepass", PASSWORD, "-infile", path(name + ".csr"), "-outfile",
                path(name + "-signed.pem"), "-ext", "san=dns:localhost,ip:127.0.0.1"));
        if (expired) {
            sign.addAll(List.of("-startdate", "-3d", "-validity", "1"));
        } else {
            sign.addAll(List.of("-validity", "3"));
        }
        run(sign.toArray(String[]::new));
        run("-importcert", "-noprompt", "-alias", "ca", "-file", path(caName + ".pem"), "-keystore", store,
                "-storepass", PASSWORD);
        run("-importcert", "-noprompt", "-alias", "key", "-file", path(name + "-signed.pem"), "-keystore", store,
                "-storepass", PASSWORD);
        return dir.resolve(name + ".p12");
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private void run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: "
                        + new String(output, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new IllegalStateException("keytool could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void delete() {
        TempDirs.deleteQuietly(dir);
    }

    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
