package dev.granary.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Session credentials: issued for a long-term key, usable only with their token, until they expire or are revoked. */
class SessionStoreTest {
    private static final String ACCESS = "AKIDSESSIONPARENT";
    private static final String SECRET = "parent-secret-key-0123456789";

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final List<Credentials> users =
            new ArrayList<>(List.of(new Credentials(ACCESS, SECRET, "acct", "alice", true)));
    private final CredentialStore longTerm =
            key -> users.stream().filter(c -> c.accessKey().equals(key)).findFirst();
    private final SessionStore sessions = new SessionStore(longTerm, clock);
    private final SigV4Verifier verifier = new SigV4Verifier(sessions.or(longTerm), "us-east-1", clock);

    private SignableRequest signed(Credentials creds, String token) {
        SignableRequest request = Requests.request("GET", "/b/k", "", "host", "localhost");
        if (token != null) {
            request = Requests.withHeader(request, "x-amz-security-token", token);
        }
        return new SigV4Signer(creds.accessKey(), creds.secretKey(), "us-east-1")
                .sign(request, SigV4.UNSIGNED_PAYLOAD, now.get());
    }

    private static AuthError error(Runnable call) {
        try {
            call.run();
        } catch (AuthException e) {
            return e.error();
        }
        throw new AssertionError("no AuthException");
    }

    @Test
    void sessionCredentialsActForTheirUserOnlyWithTheirToken() {
        Credentials session = sessions.issue(ACCESS, Duration.ofHours(1));
        assertThat(session.accessKey()).startsWith(SessionStore.KEY_PREFIX).isNotEqualTo(ACCESS);
        assertThat(session.secretKey()).isNotEqualTo(SECRET);
        assertThat(session.expiresAt()).isEqualTo(now.get().plus(Duration.ofHours(1)));
        assertThat(session.toString()).doesNotContain(session.secretKey()).doesNotContain(session.sessionToken());

        Principal principal =
                verifier.verify(signed(session, session.sessionToken())).principal();
        assertThat(principal.accountId()).isEqualTo("acct");
        assertThat(principal.accessKey()).isEqualTo(session.accessKey());

        assertThat(error(() -> verifier.verify(signed(session, null)))).isEqualTo(AuthError.INVALID_ACCESS_KEY_ID);
        assertThat(error(() -> verifier.verify(signed(session, session.sessionToken() + "x"))))
                .isEqualTo(AuthError.INVALID_TOKEN);
        Credentials parent = longTerm.lookup(ACCESS).orElseThrow();
        assertThat(error(() -> verifier.verify(signed(parent, session.sessionToken()))))
                .isEqualTo(AuthError.INVALID_TOKEN);
        assertThat(verifier.verify(signed(parent, null)).principal().accessKey())
                .isEqualTo(ACCESS);
    }

    @Test
    void sessionsExpireEndWhenRevokedOrTheirKeyIsDisabledAndBegetNoOthers() {
        Credentials session = sessions.issue(ACCESS, Duration.ofMinutes(15));
        now.set(now.get().plus(Duration.ofMinutes(15)));
        assertThat(error(() -> verifier.verify(signed(session, session.sessionToken()))))
                .isEqualTo(AuthError.EXPIRED_TOKEN);

        Credentials revoked = sessions.issue(ACCESS, Duration.ofHours(1));
        assertThat(sessions.revoke(revoked.accessKey())).isTrue();
        assertThat(sessions.revoke(revoked.accessKey())).isFalse();
        assertThat(error(() -> verifier.verify(signed(revoked, revoked.sessionToken()))))
                .isEqualTo(AuthError.INVALID_ACCESS_KEY_ID);

        Credentials orphan = sessions.issue(ACCESS, Duration.ofHours(1));
        users.set(0, new Credentials(ACCESS, SECRET, "acct", "alice", false));
        assertThat(error(() -> verifier.verify(signed(orphan, orphan.sessionToken()))))
                .isEqualTo(AuthError.INVALID_ACCESS_KEY_ID);
        assertThat(error(() -> sessions.issue(ACCESS, Duration.ofHours(1)))).isEqualTo(AuthError.ACCESS_DENIED);
        users.set(0, new Credentials(ACCESS, SECRET, "acct", "alice", true));

        Credentials live = sessions.issue(ACCESS, Duration.ofHours(1));
        assertThat(error(() -> sessions.issue(live.accessKey(), Duration.ofHours(1))))
                .isEqualTo(AuthError.ACCESS_DENIED);
        assertThat(error(() -> sessions.issue("nobody", Duration.ofHours(1)))).isEqualTo(AuthError.ACCESS_DENIED);
        assertThatThrownBy(() -> sessions.issue(ACCESS, Duration.ofMinutes(14)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> sessions.issue(ACCESS, Duration.ofHours(13)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(sessions.lookup(ACCESS)).isEqualTo(Optional.empty());
    }

    /** A key holds at most MAX_PER_KEY sessions: one more sign-in ends the oldest (no client fills the heap). */
    @Test
    void aKeyHoldsABoundedNumberOfSessions() {
        Credentials first = sessions.issue(ACCESS, Duration.ofMinutes(15));
        for (int i = 1; i < SessionStore.MAX_PER_KEY; i++) {
            sessions.issue(ACCESS, Duration.ofHours(1));
        }
        assertThat(sessions.lookup(first.accessKey())).isPresent();
        Credentials last = sessions.issue(ACCESS, Duration.ofHours(1));
        assertThat(sessions.size()).isEqualTo(SessionStore.MAX_PER_KEY);
        assertThat(sessions.lookup(first.accessKey())).isEmpty();
        assertThat(sessions.lookup(last.accessKey())).isPresent();
    }

    @Test
    void ossAndPresignedRequestsPresentTheirTokenToo() {
        assertThat(Requests.request("GET", "/", "", "x-oss-security-token", "t1")
                        .securityToken())
                .isEqualTo("t1");
        assertThat(Requests.request("GET", "/", "X-Amz-Security-Token=t%2B2").securityToken())
                .isEqualTo("t+2");
        assertThat(Requests.request("GET", "/", "security-token=t3").securityToken())
                .isEqualTo("t3");
        assertThat(Requests.request("GET", "/", "").securityToken()).isNull();
    }
}
