package dev.dialtone.engine.cxml;

import dev.dialtone.engine.cxml.XmlTree.Element;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a cXML document into a {@link Document}: {@code <Response>} holding {@code <Dial>} (with {@code <Sip>}
 * nouns only), {@code <Hangup>}, {@code <Reject>}, {@code <Pause>} and {@code <Redirect>}. Every other verb or noun
 * is an error with its line and column, as Twilio fails a call on TwiML it cannot run rather than skip part of it.
 * All errors of a document are reported, not only the first; an attribute this engine does not use is a warning.
 *
 * <p>Decisions where the references are silent: a {@code timeout} outside 5..600 and a {@code timeLimit} above
 * 86400 are brought into range with a warning (Twilio documents the range, and only non-positive values as
 * invalid); a {@code <Dial>} with a phone number as text is an error, since this engine dials only SIP.
 *
 * <p>Thread-safe: every call parses independently.
 */
public final class CxmlParser {

    /** Larger documents are refused before reading (the webhook client stops at the same size). */
    public static final int MAX_DOCUMENT_BYTES = 1 << 20;

    private static final List<String> TWIML_VERBS = List.of("Say", "Play", "Gather", "Record", "Enqueue", "Leave",
            "Sms", "Message", "Connect", "Refer", "Start", "Stop", "Echo", "Pay", "Prompt", "Queue");
    private static final List<String> SUPPORTED_VERBS = List.of("Dial", "Hangup", "Pause", "Redirect", "Reject");
    private static final List<String> DIAL_NOUNS = List.of("Number", "Client", "Conference", "Queue", "Verto", "Sim",
            "Application", "WhatsApp");
    // Seed 002: callerId "can be any alphanumeric string and include the following characters: +-_., but no whitespace".
    private static final Pattern CALLER_ID = Pattern.compile("[A-Za-z0-9+\\-_.,]+");
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?[0-9]*\\.[0-9]+");
    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("^<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._\\-]+)[\"']");
    private static final Set<String> RING_TONES = Set.of("at", "au", "bg", "br", "be", "ch", "cl", "cn", "cz", "de",
            "dk", "ee", "es", "fi", "fr", "gr", "hu", "il", "in", "it", "lt", "jp", "mx", "my", "nl", "no", "nz", "ph",
            "pl", "pt", "ru", "se", "sg", "th", "uk", "us", "us-old", "tw", "ve", "za");

    private CxmlParser() {
    }

    /** Parses a document received as bytes: encoding from a BOM or the XML declaration, else UTF-8. */
    public static ParseResult parse(byte[] document) {
        if (document.length > MAX_DOCUMENT_BYTES) {
            return failed(new CxmlError(1, 1, "the document is " + document.length + " bytes, more than "
                    + MAX_DOCUMENT_BYTES));
        }
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (document.length >= 3 && (document[0] & 0xff) == 0xEF && (document[1] & 0xff) == 0xBB
                && (document[2] & 0xff) == 0xBF) {
            skip = 3;
        } else if (document.length >= 2 && ((document[0] & 0xff) == 0xFE && (document[1] & 0xff) == 0xFF
                || (document[0] & 0xff) == 0xFF && (document[1] & 0xff) == 0xFE)) {
            charset = StandardCharsets.UTF_16;
        } else {
            String head = new String(document, 0, Math.min(document.length, 200), StandardCharsets.ISO_8859_1);
            Matcher m = DECLARED_ENCODING.matcher(head);
            if (m.find()) {
                try {
                    charset = Charset.forName(m.group(1));
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    return failed(new CxmlError(1, 1, "encoding " + m.group(1) + " is not supported"));
                }
            }
        }
        try {
            String text = charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(document, skip, document.length - skip)).toString();
            return parse(text);
        } catch (CharacterCodingException e) {
            return failed(new CxmlError(1, 1, "the document is not valid " + charset.name()));
        }
    }

    /** Parses a document already decoded to text. */
    public static ParseResult parse(String document) {
        if (document.length() > MAX_DOCUMENT_BYTES) {
            return failed(new CxmlError(1, 1, "the document is longer than " + MAX_DOCUMENT_BYTES + " characters"));
        }
        String text = document.startsWith("\uFEFF") ? document.substring(1) : document;
        XmlTree tree = new XmlTree(text);
        XmlTree.Read read = tree.read();
        if (read.error() != null) {
            return failed(read.error());
        }
        return new Interpreter(tree).document(read.root());
    }

    private static ParseResult failed(CxmlError error) {
        return new ParseResult(Optional.empty(), List.of(error), List.of());
    }

    /** Turns the element tree into verbs, collecting every error and warning on the way. */
    private static final class Interpreter {
        private final XmlTree tree;
        private final List<CxmlError> errors = new ArrayList<>();
        private final List<CxmlError> warnings = new ArrayList<>();

        Interpreter(XmlTree tree) {
            this.tree = tree;
        }

        ParseResult document(Element root) {
            List<Verb> verbs = new ArrayList<>();
            if (!root.name.equals("Response")) {
                error(root.start, "the root element must be <Response>, not <" + root.name + ">");
                return result(verbs);
            }
            new Attributes(root).rest();
            if (root.hasText()) {
                error(root.textStart, "text outside a verb: '" + abbreviate(root.trimmedText()) + "'");
            }
            for (Element child : root.children) {
                verb(child).ifPresent(verbs::add);
            }
            return result(verbs);
        }

        private ParseResult result(List<Verb> verbs) {
            return errors.isEmpty()
                    ? new ParseResult(Optional.of(new Document(verbs)), List.of(), warnings)
                    : new ParseResult(Optional.empty(), errors, warnings);
        }

        private Optional<? extends Verb> verb(Element e) {
            switch (e.name) {
                case "Dial":
                    return dial(e);
                case "Hangup":
                    noContent(e);
                    new Attributes(e).rest();
                    return Optional.of(new Hangup());
                case "Reject":
                    return reject(e);
                case "Pause":
                    return pause(e);
                case "Redirect":
                    return redirect(e);
                case "Sip":
                    error(e.start, "<Sip> must be inside <Dial>");
                    return Optional.empty();
                default:
                    if (TWIML_VERBS.contains(e.name)) {
                        error(e.start, "<" + e.name + "> is not supported by this engine (it runs "
                                + String.join(", ", SUPPORTED_VERBS) + ")");
                    } else {
                        error(e.start, "unknown verb <" + e.name + ">" + caseHint(e.name, SUPPORTED_VERBS));
                    }
                    return Optional.empty();
            }
        }

        private Optional<Dial> dial(Element e) {
            int errorsBefore = errors.size();
            Attributes a = new Attributes(e);
            Dial.Builder dial = Dial.builder();
            a.url("action").ifPresent(dial::action);
            dial.method(a.method("method", Dial.DEFAULT_METHOD));
            dial.timeout(a.integer("timeout", Dial.DEFAULT_TIMEOUT, 1, Dial.MIN_TIMEOUT, Dial.MAX_TIMEOUT));
            a.string("callerId").ifPresent(id -> {
                if (CALLER_ID.matcher(id).matches()) {
                    dial.callerId(id);
                } else {
                    error(e.start, "<Dial callerId>: '" + abbreviate(id) + "' may hold only letters, digits and "
                            + "+-_., with no whitespace");
                }
            });
            a.string("callerName").ifPresent(name -> {
                if (name.length() > Dial.MAX_CALLER_NAME) {
                    error(e.start, "<Dial callerName>: " + name.length() + " characters, more than "
                            + Dial.MAX_CALLER_NAME);
                } else if (name.chars().anyMatch(Character::isISOControl)) {
                    error(e.start, "<Dial callerName>: control characters are not allowed");
                } else {
                    dial.callerName(name);
                }
            });
            dial.hangupOnStar(a.bool("hangupOnStar", false));
            dial.timeLimit(a.integer("timeLimit", Dial.DEFAULT_TIME_LIMIT, 1, 1, Dial.MAX_TIME_LIMIT));
            dial.answerOnBridge(a.bool("answerOnBridge", false));
            a.string("record").ifPresent(r -> RecordMode.fromValue(r.strip()).ifPresentOrElse(dial::record,
                    () -> error(e.start, "<Dial record>: '" + abbreviate(r) + "' is not one of "
                            + String.join(", ", EnumSet.allOf(RecordMode.class).stream().map(RecordMode::value).toList()))));
            a.string("ringTone").ifPresent(tone -> {
                if (RING_TONES.contains(tone.strip())) {
                    dial.ringTone(tone.strip());
                } else {
                    error(e.start, "<Dial ringTone>: '" + abbreviate(tone) + "' is not a known ring tone "
                            + "(a country code such as us, uk, de)");
                }
            });
            a.rest();

            if (e.hasText()) {
                error(e.textStart, "<Dial> with a number as text is not supported by this engine: put a SIP URI "
                        + "in <Sip> instead of '" + abbreviate(e.trimmedText()) + "'");
            }
            boolean hasSip = e.children.stream().anyMatch(c -> c.name.equals("Sip"));
            int sips = 0;
            for (Element child : e.children) {
                if (child.name.equals("Sip")) {
                    if (++sips > Dial.MAX_SIPS) {
                        error(child.start, "more than " + Dial.MAX_SIPS + " <Sip> in one <Dial>");
                        continue;
                    }
                    sip(child).ifPresent(dial::addSip);
                } else if (DIAL_NOUNS.contains(child.name)) {
                    error(child.start, hasSip
                            ? "<" + child.name + "> cannot be in a <Dial> that contains a <Sip> (no other noun "
                                + "may be added beside <Sip>)"
                            : "<" + child.name + "> is not supported by this engine: <Dial> takes only <Sip> nouns");
                } else {
                    error(child.start, "unknown noun <" + child.name + "> in <Dial>" + caseHint(child.name, List.of("Sip")));
                }
            }
            if (e.children.isEmpty() && !e.hasText()) {
                error(e.start, "<Dial> has no <Sip> to dial");
            }
            return errors.size() == errorsBefore ? Optional.of(dial.build()) : Optional.empty();
        }

        private Optional<Sip> sip(Element e) {
            int errorsBefore = errors.size();
            Attributes a = new Attributes(e);
            for (Element child : e.children) {
                error(child.start, "<Sip> holds only a SIP URI as text, not <" + child.name + ">");
            }
            String text = e.trimmedText();
            SipTarget target = null;
            if (text.isEmpty()) {
                error(e.start, "<Sip> has no SIP URI");
            } else {
                SipTarget.Parsed parsed = SipTarget.parse(text);
                if (parsed.error() != null) {
                    error(e.textStart, "<Sip>: " + parsed.error());
                } else {
                    target = parsed.target();
                }
            }
            List<Codec> codecs = a.string("codecs").map(c -> codecs(e, c)).orElse(Sip.DEFAULT_CODECS);
            HttpMethod method = a.method("method", Sip.DEFAULT_METHOD);
            Optional<String> username = a.string("username").filter(u -> !u.isEmpty());
            Optional<String> password = a.string("password").filter(p -> !p.isEmpty());
            int sessionTimeout = a.integer("sessionTimeout", 0, 0, 0, Integer.MAX_VALUE);
            Optional<String> statusCallback = a.url("statusCallback");
            Optional<String> eventsText = a.string("statusCallbackEvent");
            Set<StatusCallbackEvent> events = eventsText.map(t -> events(e, t)).orElse(Sip.DEFAULT_STATUS_CALLBACK_EVENTS);
            if (eventsText.isPresent() && statusCallback.isEmpty()) {
                warning(e.start, "<Sip statusCallbackEvent> has no effect without statusCallback");
            }
            HttpMethod statusCallbackMethod = a.method("statusCallbackMethod", HttpMethod.POST);
            Optional<String> url = a.url("url");
            a.rest();
            if (errors.size() != errorsBefore || target == null) {
                return Optional.empty();
            }
            return Optional.of(new Sip(target, codecs, method, username, password, sessionTimeout, statusCallback,
                    events, statusCallbackMethod, url));
        }

        private List<Codec> codecs(Element e, String value) {
            List<Codec> codecs = new ArrayList<>();
            for (String name : value.split(",", -1)) {
                String n = name.strip().toUpperCase(Locale.ROOT);
                try {
                    Codec codec = Codec.valueOf(n);
                    if (!codecs.contains(codec)) {
                        codecs.add(codec);
                    }
                } catch (IllegalArgumentException notACodec) {
                    error(e.start, "<Sip codecs>: '" + abbreviate(name.strip()) + "' is not one of PCMU, PCMA, G722, "
                            + "G729, OPUS");
                }
            }
            return codecs.isEmpty() ? Sip.DEFAULT_CODECS : codecs;
        }

        private Set<StatusCallbackEvent> events(Element e, String value) {
            Set<StatusCallbackEvent> events = EnumSet.noneOf(StatusCallbackEvent.class);
            for (String name : value.strip().split("\\s+")) {
                if (name.isEmpty()) {
                    continue;
                }
                StatusCallbackEvent.fromValue(name).ifPresentOrElse(events::add, () -> error(e.start,
                        "<Sip statusCallbackEvent>: '" + abbreviate(name) + "' is not one of initiated, ringing, "
                                + "answered, completed"));
            }
            return events;
        }

        private Optional<Reject> reject(Element e) {
            noContent(e);
            Attributes a = new Attributes(e);
            Reject.Reason reason = Reject.DEFAULT_REASON;
            Optional<String> value = a.string("reason");
            if (value.isPresent()) {
                switch (value.get().strip()) {
                    case "rejected" -> reason = Reject.Reason.REJECTED;
                    case "busy" -> reason = Reject.Reason.BUSY;
                    default -> {
                        error(e.start, "<Reject reason>: '" + abbreviate(value.get()) + "' is not rejected or busy");
                        return Optional.empty();
                    }
                }
            }
            a.rest();
            return Optional.of(new Reject(reason));
        }

        private Optional<Pause> pause(Element e) {
            int errorsBefore = errors.size();
            noContent(e);
            Attributes a = new Attributes(e);
            int length = a.integer("length", Pause.DEFAULT_LENGTH, 0, 0, Pause.MAX_LENGTH);
            a.rest();
            return errors.size() == errorsBefore ? Optional.of(new Pause(length)) : Optional.empty();
        }

        private Optional<Redirect> redirect(Element e) {
            int errorsBefore = errors.size();
            Attributes a = new Attributes(e);
            HttpMethod method = a.method("method", HttpMethod.POST);
            a.rest();
            for (Element child : e.children) {
                error(child.start, "<Redirect> holds only a URL as text, not <" + child.name + ">");
            }
            String url = e.trimmedText();
            if (url.isEmpty()) {
                error(e.start, "<Redirect> has no URL");
            } else {
                String problem = urlProblem(url);
                if (problem != null) {
                    error(e.textStart, "<Redirect>: " + problem);
                }
            }
            return errors.size() == errorsBefore ? Optional.of(new Redirect(url, method)) : Optional.empty();
        }

        private void noContent(Element e) {
            for (Element child : e.children) {
                error(child.start, "<" + e.name + "> takes no content, not <" + child.name + ">");
            }
            if (e.hasText()) {
                error(e.textStart, "<" + e.name + "> takes no content, not '" + abbreviate(e.trimmedText()) + "'");
            }
        }

        private void error(int offset, String message) {
            errors.add(tree.at(offset, message));
        }

        private void warning(int offset, String message) {
            warnings.add(tree.at(offset, message));
        }

        /** Reads one element's attributes; whatever was not read is reported by {@link #rest()}. */
        private final class Attributes {
            private final Element e;
            private final Set<String> read = new HashSet<>();

            Attributes(Element e) {
                this.e = e;
            }

            Optional<String> string(String name) {
                read.add(name);
                return Optional.ofNullable(e.attributes.get(name));
            }

            /** An absent or empty URL attribute is no URL. */
            Optional<String> url(String name) {
                Optional<String> value = string(name).map(String::strip).filter(v -> !v.isEmpty());
                if (value.isPresent()) {
                    String problem = urlProblem(value.get());
                    if (problem != null) {
                        error(e.start, "<" + e.name + " " + name + ">: " + problem);
                        return Optional.empty();
                    }
                }
                return value;
            }

            HttpMethod method(String name, HttpMethod fallback) {
                Optional<String> value = string(name);
                if (value.isEmpty()) {
                    return fallback;
                }
                String v = value.get().strip().toUpperCase(Locale.ROOT);
                if (v.equals("GET")) {
                    return HttpMethod.GET;
                }
                if (v.equals("POST")) {
                    return HttpMethod.POST;
                }
                error(e.start, "<" + e.name + " " + name + ">: '" + abbreviate(value.get()) + "' is not GET or POST");
                return fallback;
            }

            boolean bool(String name, boolean fallback) {
                Optional<String> value = string(name);
                if (value.isEmpty()) {
                    return fallback;
                }
                String v = value.get().strip();
                if (v.equalsIgnoreCase("true")) {
                    return true;
                }
                if (v.equalsIgnoreCase("false")) {
                    return false;
                }
                error(e.start, "<" + e.name + " " + name + ">: '" + abbreviate(value.get()) + "' is not true or false");
                return fallback;
            }

            /**
             * A whole number of at least {@code min}; a valid number outside {@code low..high} is brought into that
             * range with a warning.
             */
            int integer(String name, int fallback, int min, int low, int high) {
                Optional<String> value = string(name);
                if (value.isEmpty()) {
                    return fallback;
                }
                String v = value.get().strip();
                String where = "<" + e.name + " " + name + ">: ";
                if (!INTEGER.matcher(v).matches()) {
                    error(e.start, where + "'" + abbreviate(value.get()) + "' is not "
                            + (DECIMAL.matcher(v).matches() ? "a whole number" : "a number"));
                    return fallback;
                }
                long n;
                try {
                    n = Long.parseLong(v);
                } catch (NumberFormatException tooLong) {
                    n = v.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
                }
                if (n < min) {
                    error(e.start, where + v + " is less than " + min);
                    return fallback;
                }
                if (n < low || n > high) {
                    int clamped = (int) Math.max(low, Math.min(high, n));
                    warning(e.start, where + v + " is outside " + low + ".." + high + ", using " + clamped);
                    return clamped;
                }
                return (int) n;
            }

            void rest() {
                for (String name : e.attributes.keySet()) {
                    if (!read.contains(name)) {
                        warning(e.start, "<" + e.name + "> attribute " + name + " is not supported and is ignored");
                    }
                }
            }
        }
    }

    /** Null for a usable URL: absolute http, https or file, or relative to the document's own URL. */
    static String urlProblem(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme != null && !scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")
                    && !scheme.equalsIgnoreCase("file")) {
                return "'" + abbreviate(url) + "' is not an http, https or file URL";
            }
            return null;
        } catch (URISyntaxException e) {
            return "'" + abbreviate(url) + "' is not a URL: " + e.getReason() + " at index " + e.getIndex();
        }
    }

    private static String caseHint(String name, List<String> known) {
        for (String k : known) {
            if (k.equalsIgnoreCase(name)) {
                return " (names are case-sensitive: <" + k + ">)";
            }
        }
        return "";
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
