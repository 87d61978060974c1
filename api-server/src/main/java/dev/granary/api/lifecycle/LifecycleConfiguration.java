package dev.granary.api.lifecycle;

import dev.granary.api.error.S3Error;
import dev.granary.api.error.S3Exception;
import dev.granary.api.xml.XmlReader;
import dev.granary.api.xml.XmlWriter;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import org.w3c.dom.Element;

/**
 * A bucket's lifecycle configuration: parsed and checked from PutBucketLifecycleConfiguration's XML with S3's
 * rules and errors, stored as the XML it renders back (the document GetBucketLifecycleConfiguration answers).
 * Transitions to other storage classes are refused: Granary has one storage class.
 *
 * @param rules the rules, in the order given
 */
public record LifecycleConfiguration(List<LifecycleRule> rules) {

    /** The name the configuration is stored under with its bucket. */
    public static final String CONFIG_NAME = "lifecycle";

    private static final int MAX_RULES = 1000;
    private static final int MAX_ID_LENGTH = 255;

    /** Parses and checks a configuration document. @throws S3Exception as S3 answers a bad one */
    public static LifecycleConfiguration parse(Element root) {
        if (!"LifecycleConfiguration".equals(XmlReader.localName(root))) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<Element> ruleElements = XmlReader.children(root, "Rule");
        if (ruleElements.isEmpty() || ruleElements.size() > MAX_RULES) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<LifecycleRule> rules = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (Element rule : ruleElements) {
            LifecycleRule parsed = rule(rule);
            if (!ids.add(parsed.id())) {
                throw new S3Exception(
                        S3Error.INVALID_ARGUMENT, "Rule ID must be unique. Found same ID for more than one rule");
            }
            rules.add(parsed);
        }
        return new LifecycleConfiguration(List.copyOf(rules));
    }

    private static LifecycleRule rule(Element rule) {
        String id = XmlReader.childText(rule, "ID");
        if (id == null || id.isEmpty()) {
            id = UUID.randomUUID().toString();
        } else if (id.length() > MAX_ID_LENGTH) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "ID length should not exceed allowed limit of 255");
        }
        String status = XmlReader.childText(rule, "Status");
        if (!"Enabled".equals(status) && !"Disabled".equals(status)) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        List<Element> transitions = new ArrayList<>(XmlReader.children(rule, "Transition"));
        transitions.addAll(XmlReader.children(rule, "NoncurrentVersionTransition"));
        for (Element t : transitions) { // a malformed transition is a 400 before it is a 501
            date(XmlReader.childText(t, "Date"));
            nonNegative(XmlReader.childText(t, "Days"));
            nonNegative(XmlReader.childText(t, "NoncurrentDays"));
        }
        if (!transitions.isEmpty()) {
            throw new S3Exception(
                    S3Error.NOT_IMPLEMENTED, "Transitions are not supported: Granary has one storage class.");
        }
        LifecycleRule.Filter filter = filter(rule);

        Integer expirationDays = null;
        Instant expirationDate = null;
        boolean expiredMarkers = false;
        Element expiration = single(rule, "Expiration");
        if (expiration != null) {
            expirationDays = positive(XmlReader.childText(expiration, "Days"), "'Days' for Expiration action");
            expirationDate = date(XmlReader.childText(expiration, "Date"));
            String markers = XmlReader.childText(expiration, "ExpiredObjectDeleteMarker");
            if (markers != null && !markers.equals("true") && !markers.equals("false")) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            expiredMarkers = "true".equals(markers);
            int given = (expirationDays != null ? 1 : 0) + (expirationDate != null ? 1 : 0) + (markers != null ? 1 : 0);
            if (given != 1) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            if (markers != null && !filter.tags().isEmpty()) {
                throw new S3Exception(
                        S3Error.INVALID_ARGUMENT, "ExpiredObjectDeleteMarker cannot be specified with tags.");
            }
        }
        Integer noncurrentDays = null;
        Integer newerNoncurrent = null;
        Element noncurrent = single(rule, "NoncurrentVersionExpiration");
        if (noncurrent != null) {
            noncurrentDays = positive(
                    XmlReader.childText(noncurrent, "NoncurrentDays"),
                    "'NoncurrentDays' for NoncurrentVersionExpiration action");
            if (noncurrentDays == null) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            newerNoncurrent =
                    positive(XmlReader.childText(noncurrent, "NewerNoncurrentVersions"), "'NewerNoncurrentVersions'");
        }
        Integer abortDays = null;
        Element abort = single(rule, "AbortIncompleteMultipartUpload");
        if (abort != null) {
            abortDays = positive(
                    XmlReader.childText(abort, "DaysAfterInitiation"),
                    "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action");
            if (abortDays == null) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            if (!filter.prefixOnly()) {
                throw new S3Exception(
                        S3Error.INVALID_REQUEST,
                        "AbortIncompleteMultipartUpload cannot be specified with tags or object size filters.");
            }
        }
        if (expiration == null && noncurrent == null && abort == null) {
            throw new S3Exception(S3Error.INVALID_REQUEST, "At least one action needs to be specified in a rule");
        }
        return new LifecycleRule(
                id,
                status.equals("Enabled"),
                filter,
                expirationDays,
                expirationDate,
                expiredMarkers,
                noncurrentDays,
                newerNoncurrent,
                abortDays);
    }

    /** The rule's Filter (Prefix, Tag, ObjectSize*, or And of them) or the older top-level Prefix. */
    private static LifecycleRule.Filter filter(Element rule) {
        Element filter = single(rule, "Filter");
        String legacyPrefix = XmlReader.childText(rule, "Prefix");
        if (filter != null && legacyPrefix != null) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        if (filter == null) {
            return new LifecycleRule.Filter(
                    legacyPrefix == null ? "" : legacyPrefix, new TreeMap<>(), null, null, legacyPrefix != null);
        }
        Element and = single(filter, "And");
        int parts = XmlReader.children(filter, "Prefix").size()
                + XmlReader.children(filter, "Tag").size()
                + XmlReader.children(filter, "ObjectSizeGreaterThan").size()
                + XmlReader.children(filter, "ObjectSizeLessThan").size();
        if ((and != null && parts > 0) || parts > 1) {
            throw new S3Exception(S3Error.MALFORMED_XML); // several conditions must be inside And
        }
        Element source = and != null ? and : filter;
        String prefix = XmlReader.childText(source, "Prefix");
        SortedMap<String, String> tags = new TreeMap<>();
        for (Element tag : XmlReader.children(source, "Tag")) {
            String key = XmlReader.childText(tag, "Key");
            String value = XmlReader.childText(tag, "Value");
            if (key == null || value == null) {
                throw new S3Exception(S3Error.MALFORMED_XML);
            }
            if (tags.put(key, value) != null) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "Duplicate Tag Keys are not allowed.");
            }
        }
        Long greater = size(XmlReader.childText(source, "ObjectSizeGreaterThan"));
        Long less = size(XmlReader.childText(source, "ObjectSizeLessThan"));
        if (greater != null && less != null && less <= greater) {
            throw new S3Exception(
                    S3Error.INVALID_ARGUMENT,
                    "ObjectSizeGreaterThan must be less than ObjectSizeLessThan in a filter.");
        }
        return new LifecycleRule.Filter(prefix == null ? "" : prefix, tags, greater, less, false);
    }

    private static Element single(Element parent, String name) {
        List<Element> found = XmlReader.children(parent, name);
        if (found.size() > 1) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        return found.isEmpty() ? null : found.get(0);
    }

    private static Integer positive(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(text.trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            throw new S3Exception(S3Error.MALFORMED_XML);
        }
        throw new S3Exception(S3Error.INVALID_ARGUMENT, what + " must be a positive integer");
    }

    private static void nonNegative(String text) {
        if (text != null && (size(text) > Integer.MAX_VALUE)) {
            throw new S3Exception(
                    S3Error.INVALID_ARGUMENT, "'Days' in the Transition action must be a non-negative integer");
        }
    }

    private static Long size(String text) {
        if (text == null) {
            return null;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new S3Exception(S3Error.MALFORMED_XML);
    }

    private static Instant date(String text) {
        if (text == null) {
            return null;
        }
        Instant date;
        try {
            date = OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                date = java.time.LocalDate.parse(text.trim())
                        .atStartOfDay(ZoneOffset.UTC)
                        .toInstant();
            } catch (DateTimeParseException again) {
                throw new S3Exception(S3Error.INVALID_ARGUMENT, "Invalid date format: " + text);
            }
        }
        if (date.getEpochSecond() % 86_400 != 0 || date.getNano() != 0) {
            throw new S3Exception(S3Error.INVALID_ARGUMENT, "'Date' must be at midnight GMT");
        }
        return date;
    }

    /** The document GetBucketLifecycleConfiguration answers with. */
    public XmlWriter toXml() {
        XmlWriter xml = XmlWriter.document("LifecycleConfiguration");
        for (LifecycleRule r : rules) {
            xml.start("Rule").element("ID", r.id());
            LifecycleRule.Filter f = r.filter();
            if (f.legacy()) {
                xml.element("Prefix", f.prefix());
            } else {
                filterXml(xml, f);
            }
            xml.element("Status", r.enabled() ? "Enabled" : "Disabled");
            if (r.expirationDays() != null || r.expirationDate() != null || r.expiredObjectDeleteMarker()) {
                xml.start("Expiration");
                if (r.expirationDays() != null) {
                    xml.element("Days", r.expirationDays());
                }
                if (r.expirationDate() != null) {
                    xml.element("Date", XmlWriter.iso8601(r.expirationDate()));
                }
                if (r.expiredObjectDeleteMarker()) {
                    xml.element("ExpiredObjectDeleteMarker", true);
                }
                xml.end();
            }
            if (r.noncurrentDays() != null) {
                xml.start("NoncurrentVersionExpiration").element("NoncurrentDays", r.noncurrentDays());
                if (r.newerNoncurrentVersions() != null) {
                    xml.element("NewerNoncurrentVersions", r.newerNoncurrentVersions());
                }
                xml.end();
            }
            if (r.abortDays() != null) {
                xml.start("AbortIncompleteMultipartUpload")
                        .element("DaysAfterInitiation", r.abortDays())
                        .end();
            }
            xml.end();
        }
        return xml;
    }

    private static void filterXml(XmlWriter xml, LifecycleRule.Filter f) {
        xml.start("Filter");
        int conditions = (f.prefix().isEmpty() ? 0 : 1)
                + f.tags().size()
                + (f.sizeGreaterThan() == null ? 0 : 1)
                + (f.sizeLessThan() == null ? 0 : 1);
        if (conditions > 1) {
            xml.start("And");
        }
        if (conditions == 0 || !f.prefix().isEmpty()) {
            xml.element("Prefix", f.prefix());
        }
        f.tags()
                .forEach((k, v) ->
                        xml.start("Tag").element("Key", k).element("Value", v).end());
        if (f.sizeGreaterThan() != null) {
            xml.element("ObjectSizeGreaterThan", f.sizeGreaterThan());
        }
        if (f.sizeLessThan() != null) {
            xml.element("ObjectSizeLessThan", f.sizeLessThan());
        }
        if (conditions > 1) {
            xml.end();
        }
        xml.end();
    }

    /**
     * The rule that expires a current object of this key, tags, size and time soonest, with when; null if none.
     */
    public Expiry expiryOf(String key, java.util.Map<String, String> tags, long size, Instant lastModified) {
        Expiry soonest = null;
        for (LifecycleRule r : rules) {
            if (r.appliesTo(key, tags, size)) {
                Instant at = r.expiryOf(lastModified);
                if (at != null && (soonest == null || at.isBefore(soonest.at()))) {
                    soonest = new Expiry(at, r.id());
                }
            }
        }
        return soonest;
    }

    /**
     * When an object expires and by which rule.
     *
     * @param at the expiry time
     * @param ruleId the rule's id
     */
    public record Expiry(Instant at, String ruleId) {}
}
