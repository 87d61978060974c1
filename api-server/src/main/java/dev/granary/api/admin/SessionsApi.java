package dev.granary.api.admin;

import dev.granary.auth.AuthResult;
import dev.granary.auth.Credentials;
import dev.granary.auth.JsonReader;
import dev.granary.auth.JsonWriter;
import dev.granary.auth.SessionStore;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Session credentials over the admin API, as AWS STS's GetSessionToken: {@code POST /admin/v1/sessions} signed with
 * any user's long-term key answers a short-lived access key, secret and session token acting for that user
 * ({@code {"durationSeconds": N}} in the body, 900 to 43,200, one hour by default); {@code DELETE
 * /admin/v1/sessions/current} signed with session credentials ends them at once (signing out). The web console signs
 * in so, keeping no long-term secret in its page.
 */
final class SessionsApi {
    static final String PREFIX = "/admin/v1/sessions";
    private static final JsonReader BODY_JSON = JsonReader.duplicateKeysRefused(AdminHandler.MAX_BODY);
    private static final Duration DEFAULT_LIFE = Duration.ofHours(1);

    private final SessionStore sessions;
    private final String rootAccountId;

    SessionsApi(SessionStore sessions, String rootAccountId) {
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.rootAccountId = Objects.requireNonNull(rootAccountId, "rootAccountId");
    }

    /** Answers a request to {@link #PREFIX} or under it, already authenticated (by any user). */
    UsersApi.Reply handle(String method, String path, AuthResult auth, String body) {
        if (path.equals(PREFIX)) {
            if (!method.equals("POST")) {
                throw new UsersApi.Failure(405, "MethodNotAllowed", PREFIX + " takes POST");
            }
            Credentials session = sessions.issue(auth.principal().accessKey(), life(body));
            return new UsersApi.Reply(201, JsonWriter.write(json -> {
                json.writeStartObject();
                json.writeStringField("accessKeyId", session.accessKey());
                json.writeStringField("secretAccessKey", session.secretKey());
                json.writeStringField("sessionToken", session.sessionToken());
                json.writeStringField("expiration", session.expiresAt().toString());
                json.writeStringField("accountId", session.accountId());
                json.writeStringField("user", session.displayName());
                json.writeBooleanField("root", session.accountId().equals(rootAccountId));
                json.writeEndObject();
            }));
        }
        if (path.equals(PREFIX + "/current")) {
            if (!method.equals("DELETE")) {
                throw new UsersApi.Failure(405, "MethodNotAllowed", PREFIX + "/current takes DELETE");
            }
            String key = auth.principal().accessKey();
            if (!key.startsWith(SessionStore.KEY_PREFIX)) {
                throw new UsersApi.Failure(400, "NotASession", "the request is not signed with session credentials");
            }
            sessions.revoke(key);
            return new UsersApi.Reply(204, null);
        }
        throw new UsersApi.Failure(404, "NotFound", "no such admin resource: " + path);
    }

    private static Duration life(String body) {
        if (body == null || body.isBlank()) {
            return DEFAULT_LIFE;
        }
        Map<String, Object> fields = BODY_JSON.parseObject(body);
        Object seconds = fields.get("durationSeconds");
        if (fields.size() != 1 || !(seconds instanceof Number n) || n.longValue() != n.doubleValue()) {
            throw new UsersApi.Failure(
                    400, "ValidationError", "the body must be empty or {\"durationSeconds\": 900 to 43200}");
        }
        Duration life = Duration.ofSeconds(n.longValue());
        if (life.compareTo(SessionStore.SHORTEST) < 0 || life.compareTo(SessionStore.LONGEST) > 0) {
            throw new UsersApi.Failure(400, "ValidationError", "durationSeconds must be 900 to 43200");
        }
        return life;
    }
}
