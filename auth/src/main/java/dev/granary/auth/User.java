package dev.granary.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A user of the {@link UserDirectory}: its own account with a canonical id, and its access keys. Holds no secrets.
 *
 * @param name the user name, which is also the account's display name
 * @param canonicalId the account's canonical id: 64 lower-case hex digits
 * @param enabled false while the user is disabled: none of its keys authenticates
 * @param created when the user was created
 * @param keys the user's access keys, oldest first
 */
public record User(String name, String canonicalId, boolean enabled, Instant created, List<AccessKey> keys) {

    /** Checks that no component is null and copies the keys. */
    public User {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(canonicalId, "canonicalId");
        Objects.requireNonNull(created, "created");
        keys = List.copyOf(keys);
    }

    /**
     * An access key of a user, without its secret.
     *
     * @param accessKey the access key id
     * @param created when the key was created
     */
    public record AccessKey(String accessKey, Instant created) {
        /** Checks that no component is null. */
        public AccessKey {
            Objects.requireNonNull(accessKey, "accessKey");
            Objects.requireNonNull(created, "created");
        }
    }

    /**
     * A key pair just created: the only time its secret is shown.
     *
     * @param user the user after the key was added
     * @param accessKey the new access key id
     * @param secretKey the new secret; never logged
     */
    public record NewKey(User user, String accessKey, String secretKey) {
        /** Prints everything but the secret. */
        @Override
        public String toString() {
            return "NewKey[user=" + user.name() + ", accessKey=" + accessKey + ", secretKey=****]";
        }
    }
}
