package dev.granary.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.auth.UserDirectoryException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/** Users and keys: rules, formats, the credential view the verifiers see, and durability through the records. */
class UserDirectoryTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Instant NOW = Instant.parse("2030-01-31T10:00:00Z");
    private static final MasterKey KEY = MasterKey.generate(RANDOM);

    /** Records in memory, as the engine's system records would hold them. */
    static final class MemoryRecords implements UserRecords {
        final Map<String, byte[]> map = new TreeMap<>();
        int writes;

        @Override
        public synchronized void apply(Map<String, byte[]> updates) {
            writes++;
            updates.forEach((k, v) -> {
                if (v == null) {
                    map.remove(k);
                } else {
                    map.put(k, v.clone());
                }
            });
        }

        @Override
        public synchronized void forEach(BiConsumer<String, byte[]> visitor) {
            map.forEach(visitor);
        }
    }

    private final MemoryRecords records = new MemoryRecords();
    private final UserDirectory users = open(records, KEY);

    private static UserDirectory open(UserRecords records, MasterKey key) {
        return UserDirectory.open(
                records, new SecretCipher(key, RANDOM), Clock.fixed(NOW, ZoneOffset.UTC), RANDOM, Set.of("ROOTKEY"));
    }

    @Test
    void createdUserHasAnAccountAndAKeyPairThatAuthenticatesAsIt() {
        User.NewKey created = users.create("alice");
        User alice = created.user();
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.canonicalId()).matches("[0-9a-f]{64}");
        assertThat(alice.enabled()).isTrue();
        assertThat(alice.created()).isEqualTo(NOW);
        assertThat(created.accessKey()).matches("GK[A-Z0-9]{18}");
        assertThat(created.secretKey()).matches("[A-Za-z0-9+/]{40}");
        assertThat(alice.keys()).extracting(User.AccessKey::accessKey).containsExactly(created.accessKey());
        assertThat(created.toString()).doesNotContain(created.secretKey());

        Credentials credentials = users.lookup(created.accessKey()).orElseThrow();
        assertThat(credentials)
                .isEqualTo(
                        new Credentials(created.accessKey(), created.secretKey(), alice.canonicalId(), "alice", true));
        assertThat(users.displayName(alice.canonicalId())).contains("alice");
        assertThat(users.get("ALICE")).contains(alice);
        assertThat(users.list()).containsExactly(alice);
    }

    @Test
    void usersAreDifferentAccounts() {
        User a = users.create("a").user();
        User b = users.create("b").user();
        assertThat(a.canonicalId()).isNotEqualTo(b.canonicalId());
        assertThat(users.list()).extracting(User::name).containsExactly("a", "b");
    }

    @Test
    void namesFollowIamRulesAndAreUniqueIgnoringCase() {
        assertThat(users.create("a_b+c=d,e.f@g-h").user().name()).isEqualTo("a_b+c=d,e.f@g-h");
        assertThat(users.create("x".repeat(64)).user().name()).hasSize(64);
        for (String bad : new String[] {"", "x".repeat(65), "with space", "slash/", "ünïcode", "semi;colon"}) {
            assertThatThrownBy(() -> users.create(bad))
                    .isInstanceOfSatisfying(
                            UserDirectoryException.class,
                            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_NAME));
        }
        users.create("Bob");
        assertThatThrownBy(() -> users.create("bob"))
                .isInstanceOfSatisfying(
                        UserDirectoryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.USER_EXISTS));
    }

    @Test
    void disabledUsersKeysAreKnownButDisabledUntilEnabledAgain() {
        User.NewKey created = users.create("carol");
        assertThat(users.setEnabled("carol", false).enabled()).isFalse();
        assertThat(users.lookup(created.accessKey()).orElseThrow().enabled()).isFalse();
        assertThat(users.setEnabled("CAROL", true).enabled()).isTrue();
        assertThat(users.lookup(created.accessKey()).orElseThrow().enabled()).isTrue();
    }

    @Test
    void secondKeyWorksAndADeletedKeyIsUnknownAtOnce() {
        User.NewKey first = users.create("dave");
        User.NewKey second = users.createKey("dave");
        assertThat(second.accessKey()).isNotEqualTo(first.accessKey());
        assertThat(second.user().keys()).hasSize(2);
        assertThat(users.lookup(second.accessKey()).orElseThrow().accountId())
                .isEqualTo(first.user().canonicalId());

        User after = users.deleteKey("dave", first.accessKey());
        assertThat(after.keys()).extracting(User.AccessKey::accessKey).containsExactly(second.accessKey());
        assertThat(users.lookup(first.accessKey())).isEmpty();
        assertThatThrownBy(() -> users.deleteKey("dave", first.accessKey()))
                .isInstanceOfSatisfying(
                        UserDirectoryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_SUCH_ACCESS_KEY));
    }

    @Test
    void keysPerUserAreLimited() {
        users.create("erin");
        for (int i = 1; i < UserDirectory.MAX_KEYS_PER_USER; i++) {
            users.createKey("erin");
        }
        assertThatThrownBy(() -> users.createKey("erin"))
                .isInstanceOfSatisfying(
                        UserDirectoryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.TOO_MANY_KEYS));
    }

    @Test
    void deletedUserIsGoneWithItsKeys() {
        User.NewKey created = users.create("frank");
        users.createKey("frank");
        users.delete("frank");
        assertThat(users.get("frank")).isEmpty();
        assertThat(users.lookup(created.accessKey())).isEmpty();
        assertThat(users.displayName(created.user().canonicalId())).isEmpty();
        assertThat(records.map).isEmpty();
        assertThatThrownBy(() -> users.delete("frank"))
                .isInstanceOfSatisfying(
                        UserDirectoryException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_SUCH_USER));
        // The name is free again, for a new account.
        assertThat(users.create("frank").user().canonicalId())
                .isNotEqualTo(created.user().canonicalId());
    }

    @Test
    void everythingSurvivesReopeningAndSecretsAreStoredSealedOnly() {
        User.NewKey alice = users.create("alice");
        User.NewKey second = users.createKey("alice");
        User.NewKey bob = users.create("bob");
        users.setEnabled("bob", false);

        records.map.values().forEach(value -> {
            String text = new String(value, StandardCharsets.UTF_8);
            assertThat(text).doesNotContain(alice.secretKey()).doesNotContain(second.secretKey());
            assertThat(text).doesNotContain(bob.secretKey());
        });

        UserDirectory reopened = open(records, KEY);
        assertThat(reopened.list()).isEqualTo(users.list());
        assertThat(reopened.lookup(alice.accessKey())).isEqualTo(users.lookup(alice.accessKey()));
        assertThat(reopened.lookup(second.accessKey()).orElseThrow().secretKey())
                .isEqualTo(second.secretKey());
        assertThat(reopened.lookup(bob.accessKey()).orElseThrow().enabled()).isFalse();
    }

    @Test
    void reopeningUnderAnotherMasterKeyFailsLoudly() {
        users.create("alice");
        assertThatThrownBy(() -> open(records, MasterKey.generate(RANDOM)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("user/alice")
                .hasMessageContaining("different master key");
    }

    @Test
    void failedWriteChangesNothing() {
        User.NewKey created = users.create("gina");
        UserRecords failing = new UserRecords() {
            @Override
            public void apply(Map<String, byte[]> writes) {
                throw new IllegalStateException("disk full");
            }

            @Override
            public void forEach(BiConsumer<String, byte[]> visitor) {
                records.forEach(visitor);
            }
        };
        UserDirectory broken = open(failing, KEY);
        assertThatThrownBy(() -> broken.setEnabled("gina", false)).hasMessage("disk full");
        assertThat(broken.lookup(created.accessKey()).orElseThrow().enabled()).isTrue();
        assertThatThrownBy(() -> broken.create("henry")).hasMessage("disk full");
        assertThat(broken.get("henry")).isEmpty();
    }

    @Test
    void rootFirstThenUsers() {
        User.NewKey created = users.create("ivan");
        Credentials root = new Credentials("ROOTKEY", "rootsecret", "root-id", "root", true);
        CredentialStore all = StaticCredentialStore.of(root).or(users);
        assertThat(all.lookup("ROOTKEY")).contains(root);
        assertThat(all.lookup(created.accessKey()).orElseThrow().displayName()).isEqualTo("ivan");
        assertThat(all.lookup("NOPE")).isEmpty();
    }
}
