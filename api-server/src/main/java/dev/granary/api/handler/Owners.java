package dev.granary.api.handler;

import dev.granary.api.xml.XmlWriter;
import dev.granary.auth.Principal;

/** Owner and initiator elements of S3 documents. */
final class Owners {
    private Owners() {}

    static void write(XmlWriter xml, String element, String id, String displayName) {
        xml.start(element).element("ID", id).element("DisplayName", displayName).end();
    }

    static void write(XmlWriter xml, String element, Principal principal) {
        write(xml, element, principal.accountId(), principal.displayName());
    }
}
