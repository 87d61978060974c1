package dev.granary.auth;

import java.util.Optional;

/** Finds the credentials behind an access key id. Implementations must be safe for concurrent use. */
public interface CredentialStore {

    /**
     * Looks up an access key.
     *
     * @param accessKey the access key id from the request's Credential scope
     * @return the credentials, disabled ones included, or empty when the key is unknown
     */
    Optional<Credentials> lookup(String accessKey);
}
