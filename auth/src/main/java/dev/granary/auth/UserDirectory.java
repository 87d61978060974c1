package dev.granary.auth;

import dev.granary.auth.UserDirectoryException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The users besides root, each its own account, and their access keys: created, listed, disabled and deleted
 * through the admin API, kept durably in {@link UserRecords} with every secret sealed by a {@link SecretCipher},
 * and served to the signature verifiers from memory (as a {@link CredentialStore}, disabled users' keys included
 * with {@code enabled == false}, which the verifiers answer like an unknown key).
 *
 * <p>Reads are lock-free; changes are serialized, written durably first and then made visible, so a change the
 * admin API acknowledged takes effect with the next request and survives a restart. User names follow IAM's rules
 * (1 to 64 of {@code [A-Za-z0-9_+=,.@-]}) and, as in IAM, are unique ignoring case and looked up ignoring case.
 *
 * <p>One record per user ({@code user/<lower-case name>}) holds the user and its keys with their sealed secrets,
 * so every change is one atomic write.
 */
public final class UserDirectory implements CredentialStore {
    /** The most access keys a user may have (IAM allows 2; more makes key rotation across many clients easier). */
    public static final int MAX_KEYS_PER_USER = 10;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_+=,.@-]{1,64}");
    private static final String USER_PREFIX = "user/";
    private static final int FORMAT = 1;
    /**
     * A record holds a user and at most {@link #MAX_KEYS_PER_USER} keys, well under a KiB each; the limit only
     * bounds what a corrupt record can cost. A repeated key would be corruption too.
     */
    private static final JsonReader RECORD_JSON = JsonReader.duplicateKeysRefused(1024 * 1024);

    private static final char[] KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();

    private final UserRecords records;
    private final SecretCipher cipher;
    private final Clock clock;
    private final SecureRandom random;
    private final Set<String> reservedAccessKeys;
    /** By lower-case user name. */
    private final Map<String, Entry> users = new ConcurrentHashMap<>();

    private final Map<String, Credentials> byAccessKey = new ConcurrentHashMap<>();
    private final Map<String, String> nameByAccountId = new ConcurrentHashMap<>();

    /** A user and the sealed secrets of its keys, as stored. */
    private record Entry(User user, Map<String, byte[]> sealed) {}

    private UserDirectory(
            UserRecords records, SecretCipher cipher, Clock clock, SecureRandom random, Set<String> reserved) {
        this.records = records;
        this.cipher = cipher;
        this.clock = clock;
        this.random = random;
        this.reservedAccessKeys = Set.copyOf(reserved);
    }

    /**
     * Loads every user from its records and decrypts the secrets into memory.
     *
     * @param records where users are kept
     * @param cipher the cipher of the master key the secrets were sealed with
     * @param clock the source of creation times
     * @param random the source of ids, keys and secrets
     * @param reservedAccessKeys access keys that exist outside the directory (root's) and are never handed out
     * @return the directory
     * @throws IllegalStateException when a record is damaged or a secret does not decrypt under this master key
     */
    public static UserDirectory open(
            UserRecords records,
            SecretCipher cipher,
            Clock clock,
            SecureRandom random,
            Set<String> reservedAccessKeys) {
        UserDirectory directory = new UserDirectory(records, cipher, clock, random, reservedAccessKeys);
        records.forEach((key, value) -> {
            if (!key.startsWith(USER_PREFIX)) {
                return; // written by a newer version: left alone
            }
            Entry entry;
            try {
                entry = decode(new String(value, StandardCharsets.UTF_8));
                directory.publish(null, entry);
            } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
                throw new IllegalStateException("cannot load the user record '" + key + "': " + e.getMessage(), e);
            }
        });
        return directory;
    }

    /**
     * Reads every user's record again and brings the directory in line with them: the records were changed by
     * another process (another node of a cluster) that shares them. A record that does not load is skipped and
     * logged by the caller's next full open; the users before it stay as they were.
     */
    public synchronized void reload() {
        Map<String, Entry> loaded = new java.util.HashMap<>();
        records.forEach((key, value) -> {
            if (key.startsWith(USER_PREFIX)) {
                try {
                    Entry entry = decode(new String(value, StandardCharsets.UTF_8));
                    loaded.put(fold(entry.user().name()), entry);
                } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
                    // Kept as it was: a damaged record must not drop a working user from memory.
                    Entry kept = users.get(key.substring(USER_PREFIX.length()));
                    if (kept != null) {
                        loaded.put(key.substring(USER_PREFIX.length()), kept);
                    }
                }
            }
        });
        for (Entry old : List.copyOf(users.values())) {
            if (!loaded.containsKey(fold(old.user().name()))) {
                publish(old, null);
            }
        }
        loaded.forEach((name, entry) -> publish(users.get(name), entry));
    }

    /** How many users there are. */
    public int size() {
        return users.size();
    }

    @Override
    public Optional<Credentials> lookup(String accessKey) {
        return Optional.ofNullable(byAccessKey.get(accessKey));
    }

    /**
     * The display name of an account, which is its user's name.
     *
     * @param accountId a canonical id
     * @return the name, or empty when no user has that id
     */
    public Optional<String> displayName(String accountId) {
        return Optional.ofNullable(nameByAccountId.get(accountId));
    }

    /** Every user, by name. */
    public List<User> list() {
        return users.values().stream()
                .map(Entry::user)
                .sorted(Comparator.comparing(User::name))
                .toList();
    }

    /**
     * One user.
     *
     * @param name the user name, in any case
     * @return the user, or empty when there is none
     */
    public Optional<User> get(String name) {
        return Optional.ofNullable(users.get(fold(name))).map(Entry::user);
    }

    /**
     * Creates a user, enabled, with a new canonical id and one access key.
     *
     * @param name the user name
     * @return the user and its first key pair, the only time the secret is shown
     * @throws UserDirectoryException {@code INVALID_NAME}, {@code USER_EXISTS}
     */
    public synchronized User.NewKey create(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new UserDirectoryException(
                    Reason.INVALID_NAME, "a user name is 1 to 64 characters of A-Z a-z 0-9 and _+=,.@-");
        }
        if (users.containsKey(fold(name))) {
            throw new UserDirectoryException(Reason.USER_EXISTS, "a user named '" + name + "' exists already");
        }
        String canonicalId = newCanonicalId();
        User user = new User(name, canonicalId, true, now(), List.of());
        return addKey(new Entry(user, Map.of()));
    }

    /**
     * Adds another key pair to a user.
     *
     * @param name the user name
     * @return the user and the new key pair, the only time the secret is shown
     * @throws UserDirectoryException {@code NO_SUCH_USER}, {@code TOO_MANY_KEYS}
     */
    public synchronized User.NewKey createKey(String name) {
        Entry entry = require(name);
        if (entry.user().keys().size() >= MAX_KEYS_PER_USER) {
            throw new UserDirectoryException(
                    Reason.TOO_MANY_KEYS, "a user may have at most " + MAX_KEYS_PER_USER + " access keys");
        }
        return addKey(entry);
    }

    /**
     * Deletes one access key of a user; it stops authenticating at once.
     *
     * @param name the user name
     * @param accessKey the access key id
     * @return the user without the key
     * @throws UserDirectoryException {@code NO_SUCH_USER}, {@code NO_SUCH_ACCESS_KEY}
     */
    public synchronized User deleteKey(String name, String accessKey) {
        Entry entry = require(name);
        if (!entry.sealed().containsKey(accessKey)) {
            throw new UserDirectoryException(
                    Reason.NO_SUCH_ACCESS_KEY, "user '" + entry.user().name() + "' has no access key " + accessKey);
        }
        User u = entry.user();
        List<User.AccessKey> keys = new ArrayList<>(u.keys());
        keys.removeIf(k -> k.accessKey().equals(accessKey));
        Map<String, byte[]> sealed = new LinkedHashMap<>(entry.sealed());
        sealed.remove(accessKey);
        return commit(entry, new Entry(new User(u.name(), u.canonicalId(), u.enabled(), u.created(), keys), sealed));
    }

    /**
     * Enables or disables a user: a disabled user's keys stop authenticating at once and work again once enabled.
     *
     * @param name the user name
     * @param enabled the new state
     * @return the user
     * @throws UserDirectoryException {@code NO_SUCH_USER}
     */
    public synchronized User setEnabled(String name, boolean enabled) {
        Entry entry = require(name);
        User u = entry.user();
        if (u.enabled() == enabled) {
            return u;
        }
        User updated = new User(u.name(), u.canonicalId(), enabled, u.created(), u.keys());
        return commit(entry, new Entry(updated, entry.sealed()));
    }

    /**
     * Deletes a user and its keys. Whatever the account owns must be dealt with by the caller first.
     *
     * @param name the user name
     * @return the deleted user
     * @throws UserDirectoryException {@code NO_SUCH_USER}
     */
    public synchronized User delete(String name) {
        Entry entry = require(name);
        commit(entry, null);
        return entry.user();
    }

    private User.NewKey addKey(Entry entry) {
        String accessKey = newAccessKey();
        String secret = newSecret();
        User u = entry.user();
        List<User.AccessKey> keys = new ArrayList<>(u.keys());
        keys.add(new User.AccessKey(accessKey, now()));
        Map<String, byte[]> sealed = new LinkedHashMap<>(entry.sealed());
        sealed.put(accessKey, cipher.seal(secret, accessKey));
        User user = commit(
                users.containsKey(fold(u.name())) ? entry : null,
                new Entry(new User(u.name(), u.canonicalId(), u.enabled(), u.created(), keys), sealed));
        return new User.NewKey(user, accessKey, secret);
    }

    /** Writes the new state of a user durably (null deletes it), then makes it visible. */
    private User commit(Entry old, Entry updated) {
        String name = (updated != null ? updated : old).user().name();
        Map<String, byte[]> write = new LinkedHashMap<>();
        write.put(
                USER_PREFIX + fold(name),
                updated == null ? null : encode(updated).getBytes(StandardCharsets.UTF_8));
        records.apply(write);
        publish(old, updated);
        return updated == null ? null : updated.user();
    }

    /** Swaps a user's in-memory state: the credentials index first gains new keys, then loses removed ones. */
    private void publish(Entry old, Entry updated) {
        if (updated != null) {
            User u = updated.user();
            for (User.AccessKey k : u.keys()) {
                String secret = cipher.open(updated.sealed().get(k.accessKey()), k.accessKey());
                byAccessKey.put(
                        k.accessKey(), new Credentials(k.accessKey(), secret, u.canonicalId(), u.name(), u.enabled()));
            }
            nameByAccountId.put(u.canonicalId(), u.name());
            users.put(fold(u.name()), updated);
        }
        if (old != null) {
            for (User.AccessKey k : old.user().keys()) {
                if (updated == null || !updated.sealed().containsKey(k.accessKey())) {
                    byAccessKey.remove(k.accessKey());
                }
            }
            if (updated == null) {
                users.remove(fold(old.user().name()));
                nameByAccountId.remove(old.user().canonicalId());
            }
        }
    }

    private Entry require(String name) {
        Entry entry = name == null ? null : users.get(fold(name));
        if (entry == null) {
            throw new UserDirectoryException(Reason.NO_SUCH_USER, "no user named '" + name + "'");
        }
        return entry;
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** 64 lower-case hex digits, as AWS's canonical user ids look. */
    private String newCanonicalId() {
        while (true) {
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            if (!nameByAccountId.containsKey(id)) {
                return id;
            }
        }
    }

    /** 20 characters of A-Z and 0-9 starting {@code GK}, as AWS's {@code AKIA...} key ids look. */
    private String newAccessKey() {
        while (true) {
            char[] key = new char[20];
            key[0] = 'G';
            key[1] = 'K';
            for (int i = 2; i < key.length; i++) {
                key[i] = KEY_ALPHABET[random.nextInt(KEY_ALPHABET.length)];
            }
            String accessKey = new String(key);
            if (!byAccessKey.containsKey(accessKey) && !reservedAccessKeys.contains(accessKey)) {
                return accessKey;
            }
        }
    }

    /** 40 characters of base64 (30 random bytes), as AWS's secret keys look. */
    private String newSecret() {
        byte[] bytes = new byte[30];
        random.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String encode(Entry entry) {
        User u = entry.user();
        return JsonWriter.write(json -> {
            json.writeStartObject();
            json.writeNumberField("format", FORMAT);
            json.writeStringField("name", u.name());
            json.writeStringField("canonicalId", u.canonicalId());
            json.writeBooleanField("enabled", u.enabled());
            json.writeStringField("created", u.created().toString());
            json.writeArrayFieldStart("keys");
            for (User.AccessKey k : u.keys()) {
                json.writeStartObject();
                json.writeStringField("accessKey", k.accessKey());
                json.writeStringField("created", k.created().toString());
                json.writeStringField(
                        "sealedSecret",
                        Base64.getEncoder().encodeToString(entry.sealed().get(k.accessKey())));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    @SuppressWarnings("unchecked")
    private static Entry decode(String text) {
        Map<String, Object> json = RECORD_JSON.parseObject(text);
        Object format = json.get("format");
        if (!(format instanceof Number n) || n.intValue() != FORMAT) {
            throw new IllegalArgumentException("unknown record format " + format);
        }
        List<User.AccessKey> keys = new ArrayList<>();
        Map<String, byte[]> sealed = new LinkedHashMap<>();
        for (Object o : (List<Object>) json.get("keys")) {
            Map<String, Object> k = (Map<String, Object>) o;
            String accessKey = (String) k.get("accessKey");
            keys.add(new User.AccessKey(accessKey, Instant.parse((String) k.get("created"))));
            sealed.put(accessKey, Base64.getDecoder().decode((String) k.get("sealedSecret")));
        }
        User user = new User(
                (String) json.get("name"),
                (String) json.get("canonicalId"),
                (Boolean) json.get("enabled"),
                Instant.parse((String) json.get("created")),
                keys);
        return new Entry(user, sealed);
    }
}
