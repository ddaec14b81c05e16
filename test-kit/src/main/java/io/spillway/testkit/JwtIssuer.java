package io.spillway.testkit;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in identity provider for OAUTHBEARER tests: an RSA key pair made in the test, its public half as a JWKS,
 * and RS256-signed access tokens with whatever claims a test needs (valid ones by default). Thread safe.
 */
public final class JwtIssuer {
    public static final String ISSUER = "https://idp.spillway.test";
    public static final String AUDIENCE = "spillway";

    private final RsaJsonWebKey key;

    private JwtIssuer(RsaJsonWebKey key) {
        this.key = key;
    }

    /** A new RSA-2048 key pair with this key id. */
    public static JwtIssuer create(String keyId) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(keyId);
            key.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
            key.setUse("sig");
            return new JwtIssuer(key);
        } catch (JoseException e) {
            throw new IllegalStateException("this JVM cannot make an RSA key", e);
        }
    }

    public String keyId() {
        return key.getKeyId();
    }

    /** The JWKS of these issuers' public keys (several issuers: a key set during a rotation). */
    public static String jwksJson(JwtIssuer... issuers) {
        List<JsonWebKey> keys = new ArrayList<>();
        for (JwtIssuer issuer : issuers) {
            keys.add(issuer.key);
        }
        return new JsonWebKeySet(keys).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** Writes the JWKS of these issuers to {@code file}, replacing it in one rename; returns the file. */
    public static Path writeJwks(Path file, JwtIssuer... issuers) {
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "jwks", ".tmp");
            Files.writeString(tmp, jwksJson(issuers), StandardCharsets.UTF_8);
            return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A token for {@code subject}: issuer {@link #ISSUER}, audience {@link #AUDIENCE}, issued now, valid an hour. */
    public Token token(String subject) {
        return new Token(subject);
    }

    /** The claims and header of one token; {@link #sign()} makes it. */
    public final class Token {
        private final Map<String, Object> claims = new LinkedHashMap<>();
        private String keyId = key.getKeyId();

        private Token(String subject) {
            long nowMs = System.currentTimeMillis();
            claims.put("sub", subject);
            claims.put("iss", ISSUER);
            claims.put("aud", AUDIENCE);
            claims.put("iat", nowMs / 1000);
            claims.put("exp", nowMs / 1000 + 3600);
        }

        public Token expiresAtMs(long ms) {
            return claim("exp", ms / 1000);
        }

        public Token issuedAtMs(long ms) {
            return claim("iat", ms / 1000);
        }

        public Token audience(Object audience) {
            return claim("aud", audience);
        }

        public Token issuer(String issuer) {
            return claim("iss", issuer);
        }

        /** Any claim; a null value leaves the claim out. */
        public Token claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        /** The kid header (default: the issuer's key id). */
        public Token keyId(String id) {
            keyId = id;
            return this;
        }

        /** The token in compact serialization, signed with RS256. */
        public String sign() {
            JwtClaims jwt = new JwtClaims();
            claims.forEach(jwt::setClaim);
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(jwt.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(keyId);
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            try {
                return jws.getCompactSerialization();
            } catch (JoseException e) {
                throw new IllegalStateException("cannot sign a test token", e);
            }
        }
    }
}
