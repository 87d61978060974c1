package dev.granary.auth.access;

import java.util.List;
import java.util.Objects;

/**
 * One statement of a bucket policy.
 *
 * @param sid the statement id, or null
 * @param allow true for {@code "Effect": "Allow"}, false for {@code "Deny"}
 * @param principal the principals the statement names
 * @param notPrincipal whether they were given as {@code NotPrincipal}: the statement then applies to everyone else
 * @param actions action patterns ({@code s3:GetObject}, {@code s3:Get*}, {@code *}), matched case-insensitively
 * @param notAction whether they were given as {@code NotAction}
 * @param resources resource ARN patterns with {@code *} and {@code ?}, matched case-sensitively
 * @param notResource whether they were given as {@code NotResource}
 * @param conditions the conditions, all of which must hold
 * @param variables whether policy variables ({@code ${aws:username}}) are substituted in resources, as they are
 *     in policies of version 2012-10-17
 */
public record PolicyStatement(
        String sid,
        boolean allow,
        PolicyPrincipal principal,
        boolean notPrincipal,
        List<String> actions,
        boolean notAction,
        List<String> resources,
        boolean notResource,
        List<PolicyCondition> conditions,
        boolean variables) {

    /** Checks for nulls and copies the lists. */
    public PolicyStatement {
        Objects.requireNonNull(principal, "principal");
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
        conditions = List.copyOf(conditions);
    }

    /**
     * Whether the statement applies to a request: principal, action, resource and every condition match.
     *
     * @param request the request
     * @return true when the statement's effect decides for this request
     */
    public boolean appliesTo(AccessRequest request) {
        return principal.matches(request.requester()) != notPrincipal
                && anyMatch(actions, request.action(), true) != notAction
                && resourceMatches(request) != notResource
                && conditions.stream().allMatch(c -> c.holds(request));
    }

    /**
     * Whether the statement makes its policy public in AWS's sense: it allows a wildcard principal (or uses
     * NotPrincipal) and no condition confines it to known accounts or networks.
     */
    public boolean isPublic() {
        return allow
                && (principal.everyone() || notPrincipal)
                && conditions.stream().noneMatch(PolicyCondition::restrictsPrincipal);
    }

    private boolean resourceMatches(AccessRequest request) {
        if (!variables) {
            return anyMatch(resources, request.resource(), false);
        }
        for (String r : resources) {
            PolicyVariables.Resolved resolved = PolicyVariables.resolve(r, request);
            if (resolved != null && resolved.matches(request.resource(), false)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyMatch(List<String> patterns, String value, boolean ignoreCase) {
        for (String p : patterns) {
            if (Glob.matches(p, value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }
}
