package dev.granary.auth;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A fixed set of credentials held in memory, such as the root user's from the environment. */
public final class StaticCredentialStore implements CredentialStore {

    private final Map<String, Credentials> byAccessKey;

    /**
     * Creates a store of the given credentials.
     *
     * @param credentials the credentials; access keys must be unique
     * @throws IllegalArgumentException when two credentials share an access key
     */
    public StaticCredentialStore(Collection<Credentials> credentials) {
        this.byAccessKey = credentials.stream()
                .collect(Collectors.toUnmodifiableMap(Credentials::accessKey, Function.identity(), (a, b) -> {
                    throw new IllegalArgumentException("duplicate access key " + a.accessKey());
                }));
    }

    /**
     * Creates a store of the given credentials.
     *
     * @param credentials the credentials; access keys must be unique
     * @return the store
     */
    public static StaticCredentialStore of(Credentials... credentials) {
        return new StaticCredentialStore(List.of(credentials));
    }

    @Override
    public Optional<Credentials> lookup(String accessKey) {
        return Optional.ofNullable(byAccessKey.get(accessKey));
    }
}
