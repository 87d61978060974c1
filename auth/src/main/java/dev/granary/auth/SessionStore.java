package dev.granary.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived session credentials, as AWS STS's GetSessionToken issues them: an access key, a secret and a session
 * token that every request signed with them must carry ({@code x-amz-security-token}), good until they expire or are
 * revoked. They act for the user whose long-term key asked for them, for as long as that key stays enabled. The web
 * console signs its requests with them, so that a user's long-term secret never stays in a page.
 *
 * <p>Kept in this process's memory: they do not survive a restart (a console signs in again) and are known to the node
 * that issued them. Thread-safe.
 */
public final class SessionStore implements CredentialStore {
    /** What session access keys start with (long-term keys never do). */
    public static final String KEY_PREFIX = "GSES";

    /** The shortest and longest lives a session may ask for (AWS STS's GetSessionToken: 15 min to 36 h). */
    public static final Duration SHORTEST = Duration.ofMinutes(15);

    public static final Duration LONGEST = Duration.ofHours(12);

    /** The most live sessions one key holds: a further sign-in ends its oldest (a client cannot fill the heap). */
    public static final int MAX_PER_KEY = 20;

    private static final char[] KEY_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

    private final CredentialStore longTerm;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** A session and the long-term key it acts for. */
    private record Session(Credentials credentials, String parentKey) {}

    /**
     * @param longTerm where the long-term keys are: a session works while its parent key is known and enabled
     * @param clock the server's clock
     */
    public SessionStore(CredentialStore longTerm, Clock clock) {
        this.longTerm = Objects.requireNonNull(longTerm, "longTerm");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Issues session credentials for the user of the long-term key {@code parentKey}.
     *
     * @param parentKey the verified request's access key: a long-term one (a session cannot beget another)
     * @param life how long the credentials work, between {@link #SHORTEST} and {@link #LONGEST}
     * @return the new credentials, secret and token included (shown once)
     * @throws AuthException {@code AccessDenied} for a session key or an unknown or disabled key
     * @throws IllegalArgumentException for a life out of bounds
     */
    public Credentials issue(String parentKey, Duration life) {
        if (life.compareTo(SHORTEST) < 0 || life.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException("a session lasts from " + SHORTEST.toMinutes() + " minutes to "
                    + LONGEST.toHours() + " hours, not " + life.toSeconds() + " seconds");
        }
        if (parentKey.startsWith(KEY_PREFIX)) {
            throw new AuthException(AuthError.ACCESS_DENIED, "session credentials cannot ask for another session");
        }
        Credentials parent = longTerm.lookup(parentKey)
                .filter(Credentials::enabled)
                .orElseThrow(() -> new AuthException(AuthError.ACCESS_DENIED, "the key is unknown or disabled"));
        purgeExpired();
        endOldestBeyond(parentKey, MAX_PER_KEY - 1);
        Credentials session;
        do {
            session = new Credentials(
                    KEY_PREFIX + randomKey(16),
                    randomBase64(30),
                    parent.accountId(),
                    parent.displayName(),
                    true,
                    randomBase64(48),
                    clock.instant().plus(life));
        } while (sessions.putIfAbsent(session.accessKey(), new Session(session, parentKey)) != null);
        return session;
    }

    /**
     * Ends a session at once (signing out): its key is unknown from now on.
     *
     * @return whether there was such a session
     */
    public boolean revoke(String accessKey) {
        return sessions.remove(accessKey) != null;
    }

    /** The number of sessions held (expired ones until the next purge). */
    public int size() {
        return sessions.size();
    }

    /**
     * A session's credentials, disabled when its parent key no longer is enabled; expired ones are still found (so
     * that their requests are told ExpiredToken) until a later issue purges them.
     */
    @Override
    public Optional<Credentials> lookup(String accessKey) {
        if (!accessKey.startsWith(KEY_PREFIX)) {
            return Optional.empty();
        }
        Session session = sessions.get(accessKey);
        if (session == null) {
            return Optional.empty();
        }
        boolean parentEnabled =
                longTerm.lookup(session.parentKey()).map(Credentials::enabled).orElse(false);
        Credentials c = session.credentials();
        return Optional.of(
                parentEnabled
                        ? c
                        : new Credentials(
                                c.accessKey(),
                                c.secretKey(),
                                c.accountId(),
                                c.displayName(),
                                false,
                                c.sessionToken(),
                                c.expiresAt()));
    }

    /** Ends the oldest sessions of {@code parentKey} until it holds at most {@code keep}. */
    private void endOldestBeyond(String parentKey, int keep) {
        java.util.List<Session> held = sessions.values().stream()
                .filter(s -> s.parentKey().equals(parentKey))
                .sorted(java.util.Comparator.comparing(s -> s.credentials().expiresAt()))
                .toList();
        for (int i = 0; i < held.size() - keep; i++) {
            sessions.remove(held.get(i).credentials().accessKey());
        }
    }

    /** Forgets sessions that expired over an hour ago. */
    private void purgeExpired() {
        Instant cutoff = clock.instant().minus(Duration.ofHours(1));
        sessions.values().removeIf(s -> s.credentials().expiresAt().isBefore(cutoff));
    }

    private String randomKey(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = KEY_CHARS[random.nextInt(KEY_CHARS.length)];
        }
        return new String(out);
    }

    private String randomBase64(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
