package dev.granary.auth.access;

import dev.granary.auth.JsonReader;
import dev.granary.auth.JsonWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An access control list: an owner and grants. Immutable.
 *
 * <p>Stored as a small versioned JSON document ({@link #toJson()}, {@link #fromJson(String)}) in a bucket's config
 * or an object's record. Field order is fixed, so equal ACLs serialise to equal bytes.
 *
 * @param owner the resource's owner
 * @param grants the grants, in order
 */
public record Acl(Owner owner, List<Grant> grants) {

    /** The serialisation format version written by {@link #toJson()}. */
    public static final int FORMAT_VERSION = 1;

    /**
     * Stored ACLs are Granary's own writing, from request bodies of a few MiB at most (an XML grant list); the
     * limit only bounds what a corrupt record can cost. A repeated key would be corruption too.
     */
    private static final JsonReader JSON = JsonReader.duplicateKeysRefused(16 * 1024 * 1024);

    /** Checks for nulls and copies the grants. */
    public Acl {
        Objects.requireNonNull(owner, "owner");
        grants = List.copyOf(grants);
    }

    /**
     * The default ACL of a new resource: the owner has FULL_CONTROL, nobody else anything.
     *
     * @param owner the owner
     * @return the ACL
     */
    public static Acl privateAcl(Owner owner) {
        return new Acl(owner, List.of(new Grant(owner.asGrantee(), Permission.FULL_CONTROL)));
    }

    /**
     * Whether the ACL gives a requester a permission. The owner always holds READ_ACP and WRITE_ACP, as in S3,
     * so that an owner can never lock itself out of its ACL.
     *
     * @param requester who is asking
     * @param needed the permission the operation needs
     * @param ignorePublicGrants true under Block Public Access IgnorePublicAcls: AllUsers and AuthenticatedUsers
     *     grants count as absent
     * @return whether the permission is granted
     */
    public boolean allows(Requester requester, Permission needed, boolean ignorePublicGrants) {
        if ((needed == Permission.READ_ACP || needed == Permission.WRITE_ACP)
                && !requester.anonymous()
                && requester.canonicalId().equals(owner.id())) {
            return true;
        }
        for (Grant g : grants) {
            if (ignorePublicGrants && g.grantee().isPublic()) {
                continue;
            }
            if (g.permission().covers(needed) && g.grantee().includes(requester)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any grant is to AllUsers or AuthenticatedUsers (S3's definition of a public ACL). */
    public boolean isPublic() {
        return grants.stream().anyMatch(g -> g.grantee().isPublic());
    }

    /** The stable JSON form, starting with {@code "v":1}. */
    public String toJson() {
        return JsonWriter.write(json -> {
            json.writeStartObject();
            json.writeNumberField("v", FORMAT_VERSION);
            json.writeObjectFieldStart("owner");
            json.writeStringField("id", owner.id());
            json.writeStringField("displayName", owner.displayName());
            json.writeEndObject();
            json.writeArrayFieldStart("grants");
            for (Grant g : grants) {
                json.writeStartObject();
                if (g.grantee() instanceof Grantee.CanonicalUser u) {
                    json.writeStringField("type", "CanonicalUser");
                    json.writeStringField("id", u.id());
                    if (u.displayName() != null) {
                        json.writeStringField("displayName", u.displayName());
                    }
                } else if (g.grantee() instanceof Grantee.Group grp) {
                    json.writeStringField("type", "Group");
                    json.writeStringField("uri", grp.uri());
                } else if (g.grantee() instanceof Grantee.Email e) {
                    json.writeStringField("type", "AmazonCustomerByEmail");
                    json.writeStringField("emailAddress", e.address());
                }
                json.writeStringField("permission", g.permission().wireName());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /**
     * Reads the form {@link #toJson()} writes.
     *
     * @param json the stored document
     * @return the ACL
     * @throws IllegalArgumentException when the document is not an ACL of a known format version
     */
    public static Acl fromJson(String json) {
        try {
            return read(json);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("malformed ACL document", e);
        }
    }

    private static Acl read(String json) {
        if (!(JSON.parse(json) instanceof Map<?, ?> doc)) {
            throw new IllegalArgumentException("ACL document is not a JSON object");
        }
        if (!(doc.get("v") instanceof Number v) || v.intValue() != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported ACL format version " + doc.get("v"));
        }
        Map<?, ?> owner = (Map<?, ?>) doc.get("owner");
        List<Grant> grants = new ArrayList<>();
        for (Object o : (List<?>) doc.get("grants")) {
            Map<?, ?> g = (Map<?, ?>) o;
            Grantee grantee = switch ((String) g.get("type")) {
                case "CanonicalUser" -> new Grantee.CanonicalUser((String) g.get("id"), (String) g.get("displayName"));
                case "Group" -> new Grantee.Group((String) g.get("uri"));
                case "AmazonCustomerByEmail" -> new Grantee.Email((String) g.get("emailAddress"));
                default -> throw new IllegalArgumentException("unknown grantee type " + g.get("type"));
            };
            grants.add(new Grant(grantee, Permission.fromWire((String) g.get("permission"))));
        }
        return new Acl(new Owner((String) owner.get("id"), (String) owner.get("displayName")), grants);
    }
}
