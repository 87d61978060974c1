package dev.granary.api.handler;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.S3Request;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import dev.granary.auth.access.AccessEvaluator.BucketState;
import dev.granary.auth.access.Acl;
import dev.granary.auth.access.AclHeaders;
import dev.granary.auth.access.Grant;
import dev.granary.auth.access.Grantee;
import dev.granary.auth.access.Owner;
import dev.granary.auth.access.Permission;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.w3c.dom.Element;

/**
 * ACLs at the S3 edge: the {@code x-amz-acl} and {@code x-amz-grant-*} headers, the AccessControlPolicy document
 * in and out, and the ACL and owner a new object version carries in its system properties.
 */
final class Acls {
    private static final String XSI = "http://www.w3.org/2001/XMLSchema-instance";

    private Acls() {}

    /** The ACL the request's headers set on a resource owned by {@code owner}, if any. */
    static Optional<Acl> fromHeaders(
            S3Request request, AccessControl access, Owner owner, Owner bucketOwner, boolean forBucket) {
        Optional<Acl> acl = AclHeaders.parse(request.signable().headers(), owner, bucketOwner, forBucket);
        acl.ifPresent(a -> checkGrantees(a, access));
        return acl;
    }

    /** S3 grants only to accounts it knows: an unknown canonical id is InvalidArgument "Invalid id". */
    static void checkGrantees(Acl acl, AccessControl access) {
        for (Grant g : acl.grants()) {
            if (g.grantee() instanceof Grantee.CanonicalUser u && !access.accountExists(u.id())) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid id")
                        .with("ArgumentName", "CanonicalUser/ID")
                        .with("ArgumentValue", u.id());
            }
        }
    }

    /**
     * The system properties of a new object version written by the caller: {@code base} (e.g. the source's for a
     * copy) without its ACL and owner, then the caller as owner and the ACL of the request's headers (default
     * private, which is not stored). Block Public Access BlockPublicAcls refuses a public ACL here.
     */
    static SortedMap<String, String> forNewObject(
            S3Request request, AccessControl access, SortedMap<String, String> base) {
        return forNewObject(request, access, base, request.principal().accountId(), fromHeadersFor(request, access));
    }

    private static Optional<Acl> fromHeadersFor(S3Request request, AccessControl access) {
        BucketState bucket = access.bucket(request.bucket());
        // An anonymous writer (public-read-write bucket) has no account: its objects go to the bucket owner.
        Owner owner = request.principal().isAnonymous()
                ? bucket.owner()
                : access.owner(request.principal().accountId());
        return fromHeaders(request, access, owner, bucket.owner(), false);
    }

    /** As {@link #forNewObject(S3Request, AccessControl, SortedMap)} with an explicit owner and ACL. */
    static SortedMap<String, String> forNewObject(
            S3Request request,
            AccessControl access,
            SortedMap<String, String> base,
            String ownerId,
            Optional<Acl> acl) {
        BucketState bucket = access.bucket(request.bucket());
        String owner = ownerId == null || ownerId.isEmpty() ? bucket.owner().id() : ownerId;
        SortedMap<String, String> system = new TreeMap<>(base);
        system.remove(AccessControl.SYSTEM_ACL);
        system.put(AccessControl.SYSTEM_OWNER, owner);
        if (acl.isPresent()) {
            bucket.publicAccessBlock().checkNewAcl(acl.get());
            if (!acl.get().equals(Acl.privateAcl(acl.get().owner()))) {
                system.put(AccessControl.SYSTEM_ACL, acl.get().toJson());
            }
        }
        return system;
    }

    /**
     * The ACL a PutBucketAcl or PutObjectAcl sets: from its headers, or else from its AccessControlPolicy body.
     *
     * @param owner the resource's owner (the ACL keeps it; S3 does not let a PUT change the owner)
     */
    static Acl fromRequest(S3Request request, AccessControl access, Owner owner, Owner bucketOwner, boolean forBucket)
            throws IOException {
        Optional<Acl> headers = fromHeaders(request, access, owner, bucketOwner, forBucket);
        byte[] body = request.hasBody() ? request.body().readNBytes(XmlReader.MAX_BYTES + 1) : new byte[0];
        if (headers.isPresent()) {
            if (body.length > 0) {
                throw new S3Exception(S3Error.UNEXPECTED_CONTENT, "This request does not support content");
            }
            return headers.get();
        }
        if (body.length == 0) {
            throw new S3Exception(S3Error.MISSING_SECURITY_HEADER, "Your request was missing a required header")
                    .with("MissingHeaderName", "x-amz-acl");
        }
        Acl acl = fromXml(body, owner);
        checkGrantees(acl, access);
        return acl;
    }

    /** Reads an AccessControlPolicy document; anything S3's schema would refuse is MalformedACLError. */
    static Acl fromXml(byte[] body, Owner owner) {
        Element root;
        try {
            root = XmlReader.parse(body);
        } catch (S3Exception e) {
            throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
        }
        if (!"AccessControlPolicy".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
        }
        List<Element> owners = XmlReader.children(root, "Owner");
        List<Element> lists = XmlReader.children(root, "AccessControlList");
        if (owners.size() != 1 || lists.size() != 1) {
            throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
        }
        String ownerId = trim(XmlReader.childText(owners.get(0), "ID"));
        if (ownerId == null || ownerId.isEmpty()) {
            throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
        }
        if (!ownerId.equals(owner.id())) {
            // S3 does not let an ACL change the resource's owner.
            throw new S3Exception(S3Error.ACCESS_DENIED);
        }
        List<Grant> grants = new ArrayList<>();
        for (Element g : XmlReader.children(lists.get(0), "Grant")) {
            List<Element> grantees = XmlReader.children(g, "Grantee");
            String permission = trim(XmlReader.childText(g, "Permission"));
            if (grantees.size() != 1 || permission == null) {
                throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
            }
            Permission p;
            try {
                p = Permission.fromWire(permission);
            } catch (IllegalArgumentException e) {
                throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
            }
            grants.add(new Grant(grantee(grantees.get(0)), p));
        }
        return new Acl(owner, grants);
    }

    private static Grantee grantee(Element e) {
        String type = e.getAttributeNS(XSI, "type");
        if (type == null || type.isEmpty()) {
            throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
        }
        switch (type) {
            case "CanonicalUser" -> {
                String id = trim(XmlReader.childText(e, "ID"));
                if (id == null || id.isEmpty()) {
                    throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
                }
                return new Grantee.CanonicalUser(id, trim(XmlReader.childText(e, "DisplayName")));
            }
            case "Group" -> {
                String uri = trim(XmlReader.childText(e, "URI"));
                try {
                    return new Grantee.Group(uri);
                } catch (IllegalArgumentException ex) {
                    throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid group uri")
                            .with("ArgumentName", "Group")
                            .with("ArgumentValue", String.valueOf(uri));
                }
            }
            case "AmazonCustomerByEmail" -> throw new AuthException(AuthError.UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS);
            default -> throw new S3Exception(S3Error.MALFORMED_ACL_ERROR);
        }
    }

    /** Writes the AccessControlPolicy document of an ACL, display names resolved as GetBucketAcl shows them. */
    static XmlWriter toXml(Acl acl, AccessControl access) {
        XmlWriter xml = XmlWriter.document("AccessControlPolicy");
        Owner owner = access.owner(acl.owner().id());
        xml.start("Owner")
                .element("ID", owner.id())
                .element("DisplayName", owner.displayName())
                .end();
        xml.start("AccessControlList");
        // Group and e-mail grants first, then grants to users, each in their stored order: the order S3-compatible
        // servers answer in and tools such as ceph's s3-tests expect (grant order means nothing to S3 itself).
        List<Grant> ordered = new ArrayList<>();
        acl.grants().stream()
                .filter(g -> !(g.grantee() instanceof Grantee.CanonicalUser))
                .forEach(ordered::add);
        acl.grants().stream()
                .filter(g -> g.grantee() instanceof Grantee.CanonicalUser)
                .forEach(ordered::add);
        for (Grant g : ordered) {
            xml.start("Grant");
            if (g.grantee() instanceof Grantee.CanonicalUser u) {
                xml.start("Grantee", "xmlns:xsi=\"" + XSI + "\" xsi:type=\"CanonicalUser\"")
                        .element("ID", u.id())
                        .element("DisplayName", access.owner(u.id()).displayName())
                        .end();
            } else if (g.grantee() instanceof Grantee.Group grp) {
                xml.start("Grantee", "xmlns:xsi=\"" + XSI + "\" xsi:type=\"Group\"")
                        .element("URI", grp.uri())
                        .end();
            } else if (g.grantee() instanceof Grantee.Email mail) {
                xml.start("Grantee", "xmlns:xsi=\"" + XSI + "\" xsi:type=\"AmazonCustomerByEmail\"")
                        .element("EmailAddress", mail.address())
                        .end();
            }
            xml.element("Permission", g.permission().wireName()).end();
        }
        xml.end();
        return xml;
    }

    private static String trim(String s) {
        return s == null ? null : s.strip();
    }

    /**
     * OSS's ACL document, one canned {@code Grant} (OSS has no grant lists): {@code public-read-write} when everyone
     * may write, {@code public-read} when everyone may read, else {@code private}; for an object with no ACL of its
     * own, {@code default}, as OSS calls it (here an object's own ACL alone decides, as in S3: a public bucket does
     * not make its objects public).
     *
     * @param acl the resource's ACL, or null for an object that has none of its own
     * @param ownerId the resource's owner
     */
    static XmlWriter toOssXml(Acl acl, String ownerId, AccessControl access) {
        Owner owner = access.owner(ownerId);
        String grant = acl == null ? "default" : ossCanned(acl);
        return XmlWriter.document("AccessControlPolicy")
                .start("Owner")
                .element("ID", owner.id())
                .element("DisplayName", owner.displayName())
                .end()
                .start("AccessControlList")
                .element("Grant", grant)
                .end();
    }

    private static String ossCanned(Acl acl) {
        boolean read = false;
        boolean write = false;
        for (Grant g : acl.grants()) {
            if (g.grantee() instanceof Grantee.Group group && group.uri().equals(Grantee.ALL_USERS)) {
                read |= g.permission() == Permission.READ || g.permission() == Permission.FULL_CONTROL;
                write |= g.permission() == Permission.WRITE || g.permission() == Permission.FULL_CONTROL;
            }
        }
        return write ? "public-read-write" : read ? "public-read" : "private";
    }
}
