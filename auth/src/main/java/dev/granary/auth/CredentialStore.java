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

    /**
     * This store, then another for the keys this one does not know, such as the root credentials before the users.
     *
     * @param next the store asked second
     * @return the combined store
     */
    default CredentialStore or(CredentialStore next) {
        return accessKey -> {
            Optional<Credentials> found = lookup(accessKey);
            return found.isPresent() ? found : next.lookup(accessKey);
        };
    }
}
