package io.spillway.broker.handler;

import io.spillway.broker.ApiHandler;
import io.spillway.broker.RequestContext;
import io.spillway.broker.ScramCredentials;
import io.spillway.meta.MetadataStore;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * AlterUserScramCredentials (KIP-554): deletes and creates or replaces users' SCRAM credentials. An upsertion
 * carries the salt and the salted password (the client salts and hashes the password; it never travels); the broker
 * keeps only the stored key and server key derived from it (see {@link ScramCredentials}), durably in the metadata
 * store.
 *
 * <p>One result per user named, as Kafka's controller answers: UNACCEPTABLE_CREDENTIAL for an empty user name, an
 * iteration count outside 4096..16384, or (stricter than Kafka, which fails these later with an unknown server error)
 * an empty salt or salted password; UNSUPPORTED_SASL_MECHANISM for a mechanism other than SCRAM-SHA-256/512;
 * RESOURCE_NOT_FOUND for deleting a credential the user does not have; DUPLICATE_RESOURCE when a user is altered more
 * than once in the request (deletions and upsertions together, whatever the mechanisms), unless an earlier alteration
 * of that user already failed: then that failure is the user's result, as in Kafka. Users whose alterations are valid
 * are changed even when others in the request fail.
 */
public final class AlterUserScramCredentialsHandler
        implements ApiHandler<AlterUserScramCredentialsRequestData, AlterUserScramCredentialsResponseData> {
    private static final Logger log = LoggerFactory.getLogger(AlterUserScramCredentialsHandler.class);

    private final MetadataStore meta;

    public AlterUserScramCredentialsHandler(MetadataStore meta) {
        this.meta = meta;
    }

    /** What the request asks for one user: a valid change, or why it cannot be made. */
    private sealed interface Alteration {
    }

    private record Deletion(ScramMechanism mechanism) implements Alteration {
    }

    private record Upsertion(ScramMechanism mechanism, byte[] salt, byte[] saltedPassword, int iterations)
            implements Alteration {
    }

    private record Refused(ApiError error) implements Alteration {
    }

    @Override
    public CompletableFuture<AlterUserScramCredentialsResponseData> handle(RequestContext context,
                                                                          AlterUserScramCredentialsRequestData request) {
        Map<String, Alteration> byUser = new LinkedHashMap<>();
        for (ScramCredentialDeletion deletion : request.deletions()) {
            consider(byUser, deletion.name(), () -> validateDeletion(deletion));
        }
        for (ScramCredentialUpsertion upsertion : request.upsertions()) {
            consider(byUser, upsertion.name(), () -> validateUpsertion(upsertion));
        }
        AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
        byUser.forEach((user, alteration) -> {
            ApiError error = alteration instanceof Refused refused ? refused.error() : apply(context, user, alteration);
            response.results().add(new AlterUserScramCredentialsResult().setUser(user)
                    .setErrorCode(error.error().code()).setErrorMessage(error.isSuccess() ? null : error.message()));
        });
        return CompletableFuture.completedFuture(response);
    }

    /** Adds a user's alteration unless the user was named before: a second valid one makes it a duplicate. */
    private static void consider(Map<String, Alteration> byUser, String user,
                                 Supplier<Alteration> validation) {
        Alteration earlier = byUser.get(user);
        if (earlier == null) {
            byUser.put(user, validation.get());
        } else if (!(earlier instanceof Refused)) {
            byUser.put(user, new Refused(new ApiError(Errors.DUPLICATE_RESOURCE, "User '" + user + "' is altered more "
                    + "than once in this request; send at most one deletion or upsertion per user in a request")));
        }
    }

    private Alteration validateDeletion(ScramCredentialDeletion deletion) {
        ApiError error = validateUserAndMechanism(deletion.name(), deletion.mechanism());
        if (error != null) {
            return new Refused(error);
        }
        ScramMechanism mechanism = ScramCredentials.mechanism(deletion.mechanism());
        if (meta.scramCredential(deletion.name(), mechanism.mechanismName()) == null) {
            return new Refused(notFound(deletion.name(), mechanism));
        }
        return new Deletion(mechanism);
    }

    private static Alteration validateUpsertion(ScramCredentialUpsertion upsertion) {
        String user = upsertion.name();
        ApiError error = validateUserAndMechanism(user, upsertion.mechanism());
        if (error != null) {
            return new Refused(error);
        }
        ScramMechanism mechanism = ScramCredentials.mechanism(upsertion.mechanism());
        String problem = ScramCredentials.iterationsProblem(mechanism, upsertion.iterations());
        if (problem != null) {
            return new Refused(new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, problem + " (user '" + user + "')"));
        }
        if (upsertion.salt() == null || upsertion.salt().length == 0) {
            return new Refused(new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "The " + mechanism.mechanismName()
                    + " credential of user '" + user + "' has an empty salt"));
        }
        if (upsertion.saltedPassword() == null || upsertion.saltedPassword().length == 0) {
            return new Refused(new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "The " + mechanism.mechanismName()
                    + " credential of user '" + user + "' has an empty salted password"));
        }
        return new Upsertion(mechanism, upsertion.salt(), upsertion.saltedPassword(), upsertion.iterations());
    }

    /** Null when both are acceptable. */
    private static ApiError validateUserAndMechanism(String user, byte mechanismType) {
        if (user == null || user.isEmpty()) {
            return new ApiError(Errors.UNACCEPTABLE_CREDENTIAL, "The user name of a SCRAM credential must not be empty");
        }
        if (ScramCredentials.mechanism(mechanismType) == null) {
            return new ApiError(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism (type " + mechanismType
                    + ") for user '" + user + "'; this broker supports SCRAM-SHA-256 (type 1) and SCRAM-SHA-512 (type 2)");
        }
        return null;
    }

    private static ApiError notFound(String user, ScramMechanism mechanism) {
        return new ApiError(Errors.RESOURCE_NOT_FOUND, "User '" + user + "' has no " + mechanism.mechanismName()
                + " credential to delete");
    }

    private ApiError apply(RequestContext context, String user, Alteration alteration) {
        try {
            if (alteration instanceof Deletion deletion) {
                String mechanism = deletion.mechanism().mechanismName();
                if (!meta.deleteScramCredential(user, mechanism)) {
                    return notFound(user, deletion.mechanism()); // deleted by another request meanwhile
                }
                log.info("{} deleted the {} credential of user '{}'", context.describeClient(), mechanism, user);
            } else if (alteration instanceof Upsertion upsertion) {
                ScramCredential credential = ScramCredentials.fromSaltedPassword(upsertion.mechanism(), upsertion.salt(),
                        upsertion.saltedPassword(), upsertion.iterations());
                String mechanism = upsertion.mechanism().mechanismName();
                meta.setScramCredential(user, mechanism, credential.salt(), credential.storedKey(),
                        credential.serverKey(), credential.iterations());
                log.info("{} set the {} credential of user '{}' ({} iterations)", context.describeClient(), mechanism,
                        user, credential.iterations());
            }
            return ApiError.NONE;
        } catch (Exception e) {
            log.warn("{} could not alter the SCRAM credentials of user '{}': {}", context.describeClient(), user,
                    e.toString());
            return ApiError.fromThrowable(e);
        }
    }
}
