package dev.dialtone.engine.cxml;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a cXML text into a small element tree with source offsets, so that the interpreter can report every
 * problem at its line and column. Well-formedness errors end the reading: after one, nothing that follows can be
 * trusted. No DTD is accepted, so no entity, internal or external, is ever expanded (XXE-safe).
 */
final class XmlTree {

    static final int MAX_DEPTH = 16;
    static final int MAX_ELEMENTS = 10_000;

    /** An element with its attributes in document order and the offsets of its tag and of its first text. */
    static final class Element {
        final String name;
        final int start;
        final int contentStart;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final List<Element> children = new ArrayList<>();
        final StringBuilder text = new StringBuilder();
        int textStart = -1;

        Element(String name, int start, int contentStart) {
            this.name = name;
            this.start = start;
            this.contentStart = contentStart;
        }

        String trimmedText() {
            return text.toString().strip();
        }

        boolean hasText() {
            return !text.toString().isBlank();
        }
    }

    /** The root element, or the fatal error that stopped the reading. */
    record Read(Element root, CxmlError error) {
    }

    private final String source;
    private final int[] lineStarts;

    XmlTree(String source) {
        this.source = source;
        this.lineStarts = lineStarts(source);
    }

    Read read() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        XMLStreamReader reader = null;
        try {
            reader = factory.createXMLStreamReader(new StringReader(source));
            Element root = null;
            Deque<Element> open = new ArrayDeque<>();
            int elements = 0;
            int previousEnd = offset(reader.getLocation(), 0);
            while (reader.hasNext()) {
                int event = reader.next();
                int end = offset(reader.getLocation(), previousEnd);
                switch (event) {
                    case XMLStreamConstants.DTD -> {
                        int doctype = source.indexOf("<!DOCTYPE", previousEnd);
                        return new Read(null, at(doctype < 0 ? previousEnd : doctype, "a DOCTYPE is not allowed in cXML"));
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE -> {
                        return new Read(null, at(previousEnd, "entity &" + reader.getLocalName() + "; is not defined"));
                    }
                    case XMLStreamConstants.START_ELEMENT -> {
                        int start = Math.max(0, source.lastIndexOf('<', end - 1));
                        Element element = new Element(reader.getLocalName(), start, end);
                        for (int i = 0; i < reader.getAttributeCount(); i++) {
                            element.attributes.put(reader.getAttributeLocalName(i), reader.getAttributeValue(i));
                        }
                        if (++elements > MAX_ELEMENTS) {
                            return new Read(null, at(start, "more than " + MAX_ELEMENTS + " elements"));
                        }
                        if (open.size() >= MAX_DEPTH) {
                            return new Read(null, at(start, "elements nested deeper than " + MAX_DEPTH));
                        }
                        if (open.isEmpty()) {
                            root = element;
                        } else {
                            open.peek().children.add(element);
                        }
                        open.push(element);
                    }
                    case XMLStreamConstants.END_ELEMENT -> open.pop();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        Element current = open.peek();
                        if (current != null) {
                            String text = reader.getText();
                            if (current.textStart < 0) {
                                int firstVisible = firstNonWhitespace(text);
                                if (firstVisible >= 0) {
                                    current.textStart = previousEnd + firstVisible;
                                }
                            }
                            current.text.append(text);
                        }
                    }
                    default -> {
                        // Comments and processing instructions carry nothing for cXML.
                    }
                }
                previousEnd = end;
            }
            if (root == null) {
                return new Read(null, new CxmlError(1, 1, "the document is empty"));
            }
            return new Read(root, null);
        } catch (XMLStreamException e) {
            return new Read(null, wellFormednessError(e));
        } finally {
            if (reader != null) {
                try {
                    reader.close();
                } catch (XMLStreamException ignored) {
                    // Closing a reader over a String releases nothing that could fail.
                }
            }
        }
    }

    CxmlError at(int offset, String message) {
        int clamped = Math.max(0, Math.min(offset, source.length()));
        int line = Arrays.binarySearch(lineStarts, clamped);
        if (line < 0) {
            line = -line - 2;
        }
        return new CxmlError(line + 1, clamped - lineStarts[line] + 1, message);
    }

    /*
     * The JDK reader's character offset drifts after some attribute lists, while its line and column stay exact,
     * so offsets are recomputed from those.
     */
    private int offset(Location location, int fallback) {
        if (location == null || location.getLineNumber() < 1 || location.getLineNumber() > lineStarts.length
                || location.getColumnNumber() < 1) {
            return fallback;
        }
        return Math.min(source.length(), lineStarts[location.getLineNumber() - 1] + location.getColumnNumber() - 1);
    }

    private static CxmlError wellFormednessError(XMLStreamException e) {
        String message = e.getMessage() == null ? "not well-formed XML" : e.getMessage();
        // The JDK prefixes "ParseError at [row,col]:[l,c]\nMessage: "; the location is reported separately.
        int m = message.indexOf("Message: ");
        if (m >= 0) {
            message = message.substring(m + "Message: ".length());
        }
        message = "not well-formed XML: " + message.strip();
        Location location = e.getLocation();
        int line = location == null ? 1 : Math.max(1, location.getLineNumber());
        int column = location == null ? 1 : Math.max(1, location.getColumnNumber());
        return new CxmlError(line, column, message);
    }

    private static int firstNonWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    // Lines end at LF, CR LF or a lone CR (XML 1.0 §2.11 treats all three as one line break).
    private static int[] lineStarts(String s) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' && (i + 1 == s.length() || s.charAt(i + 1) != '\n')) {
                starts.add(i + 1);
            }
        }
        return starts.stream().mapToInt(Integer::intValue).toArray();
    }
}
