package dev.granary.api.handler;

import dev.granary.api.xml.XmlWriter;
import java.util.function.Function;

/**
 * Owner, Initiator and Grantee elements of S3 documents: an account's canonical id and its display name, resolved
 * for any account (root or a user). An id nobody has any more (a deleted user) shows as its own display name.
 */
public final class Owners {
    private final Function<String, String> displayNames;

    /**
     * Creates the owner writer.
     *
     * @param displayNames an account id's display name, or null when the account is unknown
     */
    public Owners(Function<String, String> displayNames) {
        this.displayNames = displayNames;
    }

    /** The display name of an account. */
    String displayName(String accountId) {
        String name = displayNames.apply(accountId);
        return name == null ? accountId : name;
    }

    /** Writes {@code <element><ID>id</ID><DisplayName>name</DisplayName></element>}. */
    void write(XmlWriter xml, String element, String accountId) {
        xml.start(element)
                .element("ID", accountId)
                .element("DisplayName", displayName(accountId))
                .end();
    }
}
