package dev.granary.auth.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Principal} (or {@code NotPrincipal}) of a statement: everyone, or a set of accounts and users.
 *
 * @param everyone whether {@code "*"} or {@code {"AWS": "*"}} was given: matches every requester, anonymous ones
 *     included
 * @param accounts canonical ids (or account ids) whose every identity matches; from a bare id, a
 *     {@code CanonicalUser} or {@code arn:aws:iam::<id>:root}
 * @param users {@code <id>/<name>} of users named by {@code arn:aws:iam::<id>:user/<name>}
 */
public record PolicyPrincipal(boolean everyone, List<String> accounts, List<String> users) {

    private static final Pattern IAM_ARN =
            Pattern.compile("arn:aws:iam::([^:\\s]+):(root|user/(.+)|role/.+|assumed-role/.+)");
    private static final Pattern ID = Pattern.compile("[^\\s:/*]+");

    /** Copies the lists. */
    public PolicyPrincipal {
        accounts = List.copyOf(accounts);
        users = List.copyOf(users);
    }

    /**
     * Parses a Principal element.
     *
     * @throws MalformedPolicyException "Invalid principal in policy" for anything S3 would not accept
     */
    static PolicyPrincipal parse(Object element) {
        if ("*".equals(element)) {
            return new PolicyPrincipal(true, List.of(), List.of());
        }
        if (!(element instanceof Map<?, ?> map) || map.isEmpty()) {
            throw invalid();
        }
        boolean everyone = false;
        List<String> accounts = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            List<String> values = strings(e.getValue());
            switch ((String) e.getKey()) {
                case "AWS" -> {
                    for (String v : values) {
                        if (v.equals("*")) {
                            everyone = true;
                            continue;
                        }
                        Matcher m = IAM_ARN.matcher(v);
                        if (m.matches()) {
                            if (m.group(2).equals("root")) {
                                accounts.add(m.group(1));
                            } else if (m.group(3) != null) {
                                users.add(m.group(1) + "/" + m.group(3));
                            }
                            // Roles exist in no Granary account: valid, and never matching.
                        } else if (ID.matcher(v).matches()) {
                            accounts.add(v);
                        } else {
                            throw invalid();
                        }
                    }
                }
                case "CanonicalUser" -> {
                    for (String v : values) {
                        if (!ID.matcher(v).matches()) {
                            throw invalid();
                        }
                        accounts.add(v);
                    }
                }
                case "Service", "Federated" -> {
                    // AWS services (log delivery and the like) never sign Granary requests: accepted, never matched.
                }
                default -> throw invalid();
            }
        }
        return new PolicyPrincipal(everyone, accounts, users);
    }

    /**
     * Whether a requester is one of the principals.
     *
     * @param requester who is asking
     * @return true for everyone when {@link #everyone()}; otherwise for requesters of a listed account, or the
     *     listed users
     */
    public boolean matches(Requester requester) {
        if (everyone) {
            return true;
        }
        if (requester.anonymous()) {
            return false;
        }
        return accounts.contains(requester.canonicalId())
                || (requester.userName() != null
                        && users.contains(requester.canonicalId() + "/" + requester.userName()));
    }

    /** Every account id the principal names, users' accounts included. */
    List<String> accountIds() {
        List<String> ids = new ArrayList<>(accounts);
        for (String user : users) {
            ids.add(user.substring(0, user.indexOf('/')));
        }
        return ids;
    }

    private static List<String> strings(Object value) {
        if (value instanceof String s) {
            return List.of(s);
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw invalid();
                }
                out.add(s);
            }
            return out;
        }
        throw invalid();
    }

    private static MalformedPolicyException invalid() {
        return new MalformedPolicyException("Invalid principal in policy");
    }
}
