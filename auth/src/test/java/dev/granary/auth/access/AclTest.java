package dev.granary.auth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ACLs: canned ACLs as in S3's table, grant headers, decisions, and the stored JSON form. */
class AclTest {
    private static final Owner ALICE = new Owner("alice-id", "alice");
    private static final Owner BOB = new Owner("bob-id", "bob");
    private static final Grantee ALL = new Grantee.Group(Grantee.ALL_USERS);
    private static final Grantee AUTHENTICATED = new Grantee.Group(Grantee.AUTHENTICATED_USERS);
    private static final Grantee LOG = new Grantee.Group(Grantee.LOG_DELIVERY);

    private static Grant grant(Grantee g, Permission p) {
        return new Grant(g, p);
    }

    private static Grant ownerFull(Owner o) {
        return grant(o.asGrantee(), Permission.FULL_CONTROL);
    }

    private static Map<String, List<String>> headers(String... pairs) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            h.computeIfAbsent(pairs[i], k -> new java.util.ArrayList<>()).add(pairs[i + 1]);
        }
        return h;
    }

    private static AuthError errorOf(Runnable r) {
        try {
            r.run();
        } catch (AuthException e) {
            return e.error();
        }
        throw new AssertionError("no AuthException");
    }

    @Test
    void cannedAclsExpandAsS3sTable() {
        assertThat(CannedAcl.PRIVATE.toAcl(ALICE, ALICE, true).grants()).containsExactly(ownerFull(ALICE));
        assertThat(CannedAcl.PUBLIC_READ.toAcl(ALICE, ALICE, true).grants())
                .containsExactly(ownerFull(ALICE), grant(ALL, Permission.READ));
        assertThat(CannedAcl.PUBLIC_READ_WRITE.toAcl(ALICE, ALICE, true).grants())
                .containsExactly(ownerFull(ALICE), grant(ALL, Permission.READ), grant(ALL, Permission.WRITE));
        assertThat(CannedAcl.AUTHENTICATED_READ.toAcl(ALICE, ALICE, false).grants())
                .containsExactly(ownerFull(ALICE), grant(AUTHENTICATED, Permission.READ));
        assertThat(CannedAcl.AWS_EXEC_READ.toAcl(ALICE, ALICE, false).grants()).containsExactly(ownerFull(ALICE));
        assertThat(CannedAcl.BUCKET_OWNER_READ.toAcl(BOB, ALICE, false).grants())
                .containsExactly(ownerFull(BOB), grant(ALICE.asGrantee(), Permission.READ));
        assertThat(CannedAcl.BUCKET_OWNER_FULL_CONTROL.toAcl(BOB, ALICE, false).grants())
                .containsExactly(ownerFull(BOB), ownerFull(ALICE));
        assertThat(CannedAcl.BUCKET_OWNER_FULL_CONTROL
                        .toAcl(ALICE, ALICE, false)
                        .grants())
                .containsExactly(ownerFull(ALICE));
        assertThat(CannedAcl.BUCKET_OWNER_READ.toAcl(ALICE, ALICE, true).grants())
                .containsExactly(ownerFull(ALICE));
        assertThat(CannedAcl.LOG_DELIVERY_WRITE.toAcl(ALICE, ALICE, true).grants())
                .containsExactly(ownerFull(ALICE), grant(LOG, Permission.WRITE), grant(LOG, Permission.READ_ACP));
        assertThat(CannedAcl.fromHeader("public-read")).isEqualTo(CannedAcl.PUBLIC_READ);
        assertThat(errorOf(() -> CannedAcl.fromHeader("world-writable"))).isEqualTo(AuthError.INVALID_ARGUMENT);
    }

    @Test
    void grantHeadersAreParsedInS3Order() {
        Optional<Acl> acl = AclHeaders.parse(
                headers(
                        "x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\", id=\"bob-id\"",
                        "x-amz-grant-full-control", "id=alice-id",
                        "x-amz-grant-write-acp", "ID=\"carol-id\""),
                ALICE,
                ALICE,
                false);

        assertThat(acl).isPresent();
        assertThat(acl.get().owner()).isEqualTo(ALICE);
        assertThat(acl.get().grants())
                .containsExactly(
                        grant(new Grantee.CanonicalUser("alice-id", null), Permission.FULL_CONTROL),
                        grant(ALL, Permission.READ),
                        grant(new Grantee.CanonicalUser("bob-id", null), Permission.READ),
                        grant(new Grantee.CanonicalUser("carol-id", null), Permission.WRITE_ACP));
    }

    @Test
    void noAclHeadersMeansNoAcl() {
        assertThat(AclHeaders.parse(headers("content-type", "text/plain"), ALICE, ALICE, false))
                .isEmpty();
        assertThat(AclHeaders.parse(headers("x-amz-acl", "public-read"), ALICE, ALICE, true)
                        .orElseThrow()
                        .isPublic())
                .isTrue();
    }

    @Test
    void grantHeaderErrorsAreS3s() {
        assertThat(errorOf(() -> AclHeaders.parse(
                        headers("x-amz-acl", "private", "x-amz-grant-read", "id=bob-id"), ALICE, ALICE, false)))
                .isEqualTo(AuthError.INVALID_REQUEST);
        assertThat(errorOf(() -> AclHeaders.parse(
                        headers("x-amz-grant-read", "emailAddress=\"bob@example.com\""), ALICE, ALICE, false)))
                .isEqualTo(AuthError.UNRESOLVABLE_GRANT_BY_EMAIL_ADDRESS);
        assertThat(errorOf(() -> AclHeaders.parse(
                        headers("x-amz-grant-read", "uri=\"http://example.com/group\""), ALICE, ALICE, false)))
                .isEqualTo(AuthError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> AclHeaders.parse(headers("x-amz-grant-read", "bob-id"), ALICE, ALICE, false)))
                .isEqualTo(AuthError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> AclHeaders.parse(headers("x-amz-grant-read", "name=bob"), ALICE, ALICE, false)))
                .isEqualTo(AuthError.INVALID_ARGUMENT);
        assertThat(errorOf(() -> AclHeaders.parse(headers("x-amz-grant-read", "id=\"\""), ALICE, ALICE, false)))
                .isEqualTo(AuthError.INVALID_ARGUMENT);
    }

    @Test
    void decisionsFollowGrantees() {
        Acl acl = new Acl(
                ALICE,
                List.of(
                        ownerFull(ALICE),
                        grant(ALL, Permission.READ),
                        grant(AUTHENTICATED, Permission.WRITE),
                        grant(BOB.asGrantee(), Permission.READ_ACP),
                        grant(LOG, Permission.WRITE_ACP)));
        Requester carol = Requester.account("carol-id");

        assertThat(acl.allows(Requester.ANONYMOUS, Permission.READ, false)).isTrue();
        assertThat(acl.allows(Requester.ANONYMOUS, Permission.READ, true)).isFalse();
        assertThat(acl.allows(Requester.ANONYMOUS, Permission.WRITE, false)).isFalse();
        assertThat(acl.allows(carol, Permission.WRITE, false)).isTrue();
        assertThat(acl.allows(carol, Permission.WRITE, true)).isFalse();
        assertThat(acl.allows(Requester.account("bob-id"), Permission.READ_ACP, true))
                .isTrue();
        assertThat(acl.allows(carol, Permission.READ_ACP, false)).isFalse();
        assertThat(acl.allows(carol, Permission.WRITE_ACP, false)).isFalse();
        assertThat(acl.allows(Requester.account("alice-id"), Permission.WRITE_ACP, true))
                .isTrue();
        assertThat(acl.isPublic()).isTrue();
    }

    @Test
    void ownerAlwaysKeepsAcpButNotDataAccess() {
        Acl acl = new Acl(ALICE, List.of(grant(BOB.asGrantee(), Permission.FULL_CONTROL)));
        Requester alice = Requester.account("alice-id");

        assertThat(acl.allows(alice, Permission.READ_ACP, false)).isTrue();
        assertThat(acl.allows(alice, Permission.WRITE_ACP, false)).isTrue();
        assertThat(acl.allows(alice, Permission.READ, false)).isFalse();
        assertThat(acl.allows(Requester.account("bob-id"), Permission.WRITE, false))
                .isTrue();
        assertThat(acl.isPublic()).isFalse();
        assertThat(new Acl(ALICE, List.of(grant(LOG, Permission.WRITE))).isPublic())
                .isFalse();
    }

    @Test
    void jsonFormIsStableVersionedAndRoundTrips() {
        Acl acl = new Acl(
                new Owner("id\"1", "Ålice"),
                List.of(
                        grant(new Grantee.CanonicalUser("id\"1", "Ålice"), Permission.FULL_CONTROL),
                        grant(new Grantee.CanonicalUser("bob-id", null), Permission.READ),
                        grant(ALL, Permission.READ),
                        grant(new Grantee.Email("x@example.com"), Permission.WRITE)));

        String json = acl.toJson();

        assertThat(json)
                .startsWith("{\"v\":1,\"owner\":{\"id\":\"id\\\"1\",\"displayName\":\"Ålice\"},\"grants\":[")
                .contains(
                        "{\"type\":\"Group\",\"uri\":\"http://acs.amazonaws.com/groups/global/AllUsers\",\"permission\":\"READ\"}");
        assertThat(Acl.fromJson(json)).isEqualTo(acl);
        assertThat(Acl.fromJson(json).toJson()).isEqualTo(json);
        assertThatThrownBy(() -> Acl.fromJson(json.replace("\"v\":1", "\"v\":2")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Acl.fromJson("{\"v\":1,\"owner\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Acl.fromJson("{\"v\":1}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void blockPublicAccessRefusesPublicAclsAndPolicies() {
        Acl publicRead = CannedAcl.PUBLIC_READ.toAcl(ALICE, ALICE, true);
        BucketPolicy publicPolicy = BucketPolicy.parse(
                "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}}",
                "b");

        BlockPublicAccess.NONE.checkNewAcl(publicRead);
        BlockPublicAccess.NONE.checkNewPolicy(publicPolicy);
        new BlockPublicAccess(true, false, false, false).checkNewAcl(Acl.privateAcl(ALICE));
        assertThat(errorOf(() -> new BlockPublicAccess(true, false, false, false).checkNewAcl(publicRead)))
                .isEqualTo(AuthError.ACCESS_DENIED);
        assertThat(errorOf(() -> new BlockPublicAccess(false, false, true, false).checkNewPolicy(publicPolicy)))
                .isEqualTo(AuthError.ACCESS_DENIED);
        assertThat(new BlockPublicAccess(true, false, false, false)
                        .merge(new BlockPublicAccess(false, false, false, true)))
                .isEqualTo(new BlockPublicAccess(true, false, false, true));
    }
}
