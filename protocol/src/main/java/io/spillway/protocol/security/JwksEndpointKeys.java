package io.spillway.protocol.security;

import org.jose4j.http.Get;
import org.jose4j.jwk.HttpsJwks;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;

/**
 * Signing keys from the identity provider's JWKS endpoint ({@code sasl.oauthbearer.jwks.endpoint.url=https://...}),
 * through jose4j's {@link HttpsJwks}: fetched at startup, kept for {@code sasl.oauthbearer.jwks.endpoint.refresh.ms}
 * (or for as long as the endpoint's Cache-Control says), fetched again at the first login after that, and at once
 * when a token names a key id the cache lacks (a key rotation), at most every {@link #REFETCH_UNKNOWN_KID_MS}.
 * When the endpoint is down, the keys fetched before stay in use. Fetches run on the thread of the login that needs
 * them (a worker, never an event loop), bounded by the timeouts below. HTTPS uses the JVM's default trust store.
 * Thread safe.
 */
final class JwksEndpointKeys {
    private static final Logger log = LoggerFactory.getLogger(JwksEndpointKeys.class);
    /** A burst of tokens with made-up key ids must not turn into a burst of requests to the identity provider. */
    static final long REFETCH_UNKNOWN_KID_MS = 5_000;
    private static final int CONNECT_TIMEOUT_MS = 10_000;
    private static final int READ_TIMEOUT_MS = 10_000;
    /** An identity provider that is down must not lock out clients whose tokens are still good. */
    private static final long KEEP_KEYS_WHEN_ENDPOINT_FAILS_SECONDS = 24 * 3600;

    private JwksEndpointKeys() {
    }

    static VerificationKeyResolver open(URI url, long refreshMs) {
        return open(url, refreshMs, REFETCH_UNKNOWN_KID_MS);
    }

    static VerificationKeyResolver open(URI url, long refreshMs, long refetchUnknownKidMs) {
        HttpsJwks jwks = new HttpsJwks(url.toString());
        Get get = new Get();
        get.setConnectTimeout(CONNECT_TIMEOUT_MS);
        get.setReadTimeout(READ_TIMEOUT_MS);
        get.setRetries(1);
        jwks.setSimpleHttpGet(get);
        jwks.setDefaultCacheDuration(Math.max(1, refreshMs / 1000));
        jwks.setRetainCacheOnErrorDuration(KEEP_KEYS_WHEN_ENDPOINT_FAILS_SECONDS);
        jwks.setRefreshReprieveThreshold(refetchUnknownKidMs);
        try {
            int keys = jwks.getJsonWebKeys().size();
            log.info("Fetched {} signing keys for OAUTHBEARER from {}", keys, url);
        } catch (IOException | JoseException e) {
            // The broker still starts: the endpoint is asked again at the next login.
            log.warn("The JWKS endpoint {} cannot be read now ({}); OAUTHBEARER logins fail until it can", url,
                    e.getMessage());
        }
        HttpsJwksVerificationKeyResolver resolver = new HttpsJwksVerificationKeyResolver(jwks);
        resolver.setDisambiguateWithVerifySignature(true);
        return resolver;
    }
}
