package io.spillway.protocol.security;

import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.Key;
import java.util.List;

/**
 * Signing keys from a JWKS file ({@code sasl.oauthbearer.jwks.endpoint.url=file:...}). Each lookup first checks the
 * file's modification time and size (one stat, no read) and loads it again when either changed, so keys rotate
 * without a restart. A changed file that cannot be read or parsed keeps the keys loaded before and is logged once.
 * Thread safe: lookups run on many connections at once; a reload is done by one of them.
 */
final class JwksFileKeys implements VerificationKeyResolver {
    private static final Logger log = LoggerFactory.getLogger(JwksFileKeys.class);

    /** What the file looked like when it was read (or failed to be). */
    private record Version(FileTime modified, long sizeBytes) {
    }

    private record Loaded(Version version, VerificationKeyResolver keys) {
    }

    private final Path file;
    private volatile Loaded current;
    /** The version of the file that last failed to load, so that a broken file is reported once. */
    private Version failed;

    private JwksFileKeys(Path file, Loaded loaded) {
        this.file = file;
        this.current = loaded;
    }

    /**
     * Loads the keys at startup.
     *
     * @throws IllegalArgumentException when the file cannot be read or holds no usable JWKS
     */
    static JwksFileKeys open(Path file) {
        try {
            return new JwksFileKeys(file, load(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the JWKS file " + file + " does not exist", e);
        } catch (IOException | JoseException e) {
            throw new IllegalArgumentException("the JWKS file " + file + " cannot be used: "
                    + (e instanceof JoseException ? e.getMessage() : e.toString()), e);
        }
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext)
            throws UnresolvableKeyException {
        return reloadIfChanged().keys().resolveKey(jws, nestingContext);
    }

    private Loaded reloadIfChanged() {
        Loaded loaded = current;
        Version now;
        try {
            now = version(file);
        } catch (IOException e) {
            return reportOnce(new Version(FileTime.fromMillis(0), -1), loaded, e.toString());
        }
        if (now.equals(loaded.version())) {
            return loaded;
        }
        synchronized (this) {
            if (!now.equals(current.version()) && !now.equals(failed)) {
                try {
                    current = load(file);
                    failed = null;
                    log.info("Loaded the changed JWKS file {} for OAUTHBEARER", file);
                } catch (IOException | JoseException e) {
                    return reportOnce(now, current, e.getMessage());
                }
            }
            return current;
        }
    }

    private synchronized Loaded reportOnce(Version version, Loaded keep, String problem) {
        if (!version.equals(failed)) {
            failed = version;
            log.error("The JWKS file {} cannot be loaded ({}); OAUTHBEARER keeps checking tokens with the keys "
                    + "read before. Fix the file; it is read again when it changes", file, problem);
        }
        return keep;
    }

    private static Loaded load(Path file) throws IOException, JoseException {
        Version version = version(file);
        JsonWebKeySet set = new JsonWebKeySet(Files.readString(file, StandardCharsets.UTF_8));
        if (set.getJsonWebKeys().isEmpty()) {
            throw new JoseException("it holds no keys");
        }
        JwksVerificationKeyResolver keys = new JwksVerificationKeyResolver(set.getJsonWebKeys());
        // Several keys may fit a token without a kid: try each on the signature rather than refuse.
        keys.setDisambiguateWithVerifySignature(true);
        return new Loaded(version, keys);
    }

    private static Version version(Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        return new Version(attributes.lastModifiedTime(), attributes.size());
    }
}
