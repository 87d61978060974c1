package dev.granary.auth.access;

import dev.granary.auth.AuthError;
import dev.granary.auth.AuthException;

/**
 * A bucket policy document S3 would refuse: answered as {@code MalformedPolicy} (400) with AWS's message, such as
 * "Policy has invalid resource" or "Missing required field Statement".
 */
public final class MalformedPolicyException extends AuthException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message AWS's message for what is wrong
     */
    public MalformedPolicyException(String message) {
        super(AuthError.MALFORMED_POLICY, message);
    }
}
