package dev.granary.auth.access;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ACL a request sets through headers: a canned {@code x-amz-acl}, or explicit
 * {@code x-amz-grant-read|write|read-acp|write-acp|full-control} grants such as
 * {@code id="79a59df9...", uri="http://acs.amazonaws.com/groups/global/AllUsers"}, never both.
 */
public final class AclHeaders {

    private static final Map<String, Permission> GRANT_HEADERS = Map.of(
            "x-amz-grant-full-control", Permission.FULL_CONTROL,
            "x-amz-grant-read", Permission.READ,
            "x-amz-grant-write", Permission.WRITE,
            "x-amz-grant-read-acp", Permission.READ_ACP,
            "x-amz-grant-write-acp", Permission.WRITE_ACP);
    /** S3 lists explicit grants in this order whatever order the headers came in. */
    private static final List<String> HEADER_ORDER = List.of(
            "x-amz-grant-full-control",
            "x-amz-grant-read",
            "x-amz-grant-write",
            "x-amz-grant-read-acp",
            "x-amz-grant-write-acp");

    private AclHeaders() {}

    /**
     * Reads the ACL a request's headers ask for.
     *
     * @param headers request headers keyed by lower-case name
     * @param owner the owner of the resource being written (the requester for a new object or bucket)
     * @param bucketOwner the bucket's owner, for the bucket-owner-* canned ACLs
     * @param forBucket whether the ACL is for a bucket
     * @return the ACL, or empty when the request sets none (the caller then keeps or defaults the ACL)
     * @throws AuthException InvalidRequest for a canned ACL together with grant headers, InvalidArgument for a
     *     malformed grant or an unknown canned ACL or group, UnresolvableGrantByEmailAddress for an email grantee
     */
    public static Optional<Acl> parse(
            Map<String, List<String>> headers, Owner owner, Owner bucketOwner, boolean forBucket) {
        List<String> canned = headers.get("x-amz-acl");
        boolean hasGrants = HEADER_ORDER.stream().anyMatch(headers::containsKey);
        if (canned != null && hasGrants) {
            throw new AuthException(
                    AuthError.INVALID_REQUEST, "Specifying both Canned ACLs and Header Grants is not allowed");
        }
        if (canned != null) {
            return Optional.of(CannedAcl.fromHeader(String.join(",", canned)).toAcl(owner, bucketOwner, forBucket));
        }
        if (!hasGrants) {
            return Optional.empty();
        }
        List<Grant> grants = new ArrayList<>();
        for (String header : HEADER_ORDER) {
            List<String> values = headers.get(header);
            if (values != null) {
                for (Grantee grantee : grantees(String.join(",", values))) {
                    grants.add(new Grant(grantee, GRANT_HEADERS.get(header)));
                }
            }
        }
        return Optional.of(new Acl(owner, grants));
    }

    /** Parses {@code type="value", type=value, ...}; commas inside quotes do not split. */
    static List<Grantee> grantees(String value) {
        List<Grantee> out = new ArrayList<>();
        for (String part : splitOutsideQuotes(value)) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw invalid(part);
            }
            String type = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String v = p.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            if (v.isEmpty()) {
                throw invalid(part);
            }
            switch (type) {
                case "id" -> out.add(new Grantee.CanonicalUser(v, null));
                case "uri" -> {
                    try {
                        out.add(new Grantee.Group(v));
                    } catch (IllegalArgumentException e) {
                        throw new AuthException(AuthError.INVALID_ARGUMENT, "Invalid group uri");
                    }
                }
                case "emailaddress" -> throw new AuthException(AuthError.UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS);
                default -> throw invalid(part);
            }
        }
        if (out.isEmpty()) {
            throw invalid(value);
        }
        return out;
    }

    private static List<String> splitOutsideQuotes(String value) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                parts.add(value.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(value.substring(start));
        parts.removeIf(String::isBlank);
        return parts;
    }

    private static AuthException invalid(String part) {
        return new AuthException(AuthError.INVALID_ARGUMENT, "Invalid grant: " + part.strip());
    }
}
