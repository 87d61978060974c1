package dev.granary.auth.access;

import java.util.Objects;

/** Who a grant is for: a canonical user, a predefined group, or an email address (which Granary cannot resolve). */
public sealed interface Grantee permits Grantee.CanonicalUser, Grantee.Group, Grantee.Email {

    /** The AllUsers group: everyone, anonymous requests included. */
    String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";
    /** The AuthenticatedUsers group: every signed request, from any account. */
    String AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    /** The LogDelivery group: S3 server access log delivery. */
    String LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery";

    /**
     * Whether the grantee includes a requester.
     *
     * @param requester who is asking
     * @return the outcome
     */
    boolean includes(Requester requester);

    /** Whether granting to this grantee makes a resource public (AllUsers or AuthenticatedUsers). */
    default boolean isPublic() {
        return false;
    }

    /**
     * An account, by canonical id.
     *
     * @param id the canonical id
     * @param displayName the display name, or null
     */
    record CanonicalUser(String id, String displayName) implements Grantee {
        /** Checks the id is present. */
        public CanonicalUser {
            Objects.requireNonNull(id, "id");
        }

        @Override
        public boolean includes(Requester requester) {
            return !requester.anonymous() && requester.canonicalId().equals(id);
        }
    }

    /**
     * A predefined group.
     *
     * @param uri one of {@link #ALL_USERS}, {@link #AUTHENTICATED_USERS}, {@link #LOG_DELIVERY}
     */
    record Group(String uri) implements Grantee {
        /** Checks the URI names a group S3 knows. */
        public Group {
            if (!ALL_USERS.equals(uri) && !AUTHENTICATED_USERS.equals(uri) && !LOG_DELIVERY.equals(uri)) {
                throw new IllegalArgumentException("Invalid group uri");
            }
        }

        @Override
        public boolean includes(Requester requester) {
            return switch (uri) {
                case ALL_USERS -> true;
                case AUTHENTICATED_USERS -> !requester.anonymous();
                // Log delivery is S3's own service principal; no Granary requester is it.
                default -> false;
            };
        }

        @Override
        public boolean isPublic() {
            return !uri.equals(LOG_DELIVERY);
        }
    }

    /**
     * An account by email address. S3 resolves it to a canonical user when the ACL is put; Granary has no such
     * directory and refuses it ({@code UnresolvableGrantByEmailAddress}), so this only appears in parsed input.
     *
     * @param address the email address
     */
    record Email(String address) implements Grantee {
        @Override
        public boolean includes(Requester requester) {
            return false;
        }
    }
}
