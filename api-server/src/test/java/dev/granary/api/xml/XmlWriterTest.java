package dev.granary.api.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class XmlWriterTest {
    /** Every code unit XML 1.0 forbids, the ones it allows at the edges of its ranges, and a surrogate pair. */
    private static final String HOSTILE = "\u0000a\u0001\u0008\u000B\u000C\u000E\u001F\t\r\n \uD7FF\uE000\uFFFD"
            + "\uFFFE\uFFFF\uD800x\uDC00\uD83D\uDE00<&>\"'";

    @Test
    void errorDocumentsReplaceWhatXml10ForbidsAndKeepEverythingElse() throws Exception {
        byte[] xml = XmlWriter.errorDocument()
                .element("Code", "NoSuchKey")
                .element("Key", HOSTILE)
                .toBytes();
        Document parsed = parseStrictly(xml);
        assertThat(parsed.getDocumentElement().getTagName()).isEqualTo("Error");
        assertThat(parsed.getElementsByTagName("Key").item(0).getTextContent())
                .isEqualTo("\uFFFDa\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\t\r\n \uD7FF\uE000\uFFFD"
                        + "\uFFFD\uFFFD\uFFFDx\uFFFD\uD83D\uDE00<&>\"'");
    }

    @Test
    void errorDocumentsHaveNoNamespace() {
        assertThat(new String(XmlWriter.errorDocument().element("Code", "X").toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>X</Code></Error>");
    }

    @Test
    void listingsWriteControlCharactersAsReferencesAsAwsDoes() {
        // Not XML 1.0 for U+0001, as AWS's listings are not: SDKs ask for encoding-type=url instead.
        assertThat(XmlWriter.document("ListBucketResult")
                        .element("Key", "a\u0001b\r\n")
                        .toString())
                .endsWith("<Key>a&#x1;b&#xD;&#xA;</Key>");
    }

    private static Document parseStrictly(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml));
    }
}
