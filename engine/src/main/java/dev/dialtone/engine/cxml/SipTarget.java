package dev.dialtone.engine.cxml;

import io.netty.util.NetUtil;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The SIP URI of a {@code <Sip>} noun (RFC 3261 §19.1), parsed by a small local parser: the engine dials it,
 * placing {@link #headers()} into the INVITE. {@link #requestUri()} is the URI without its header part
 * (RFC 3261 §19.1.5: headers of a URI are request headers, not part of the Request-URI).
 *
 * @param uri        the URI as written (surrounding whitespace removed)
 * @param secure     {@code sips:}
 * @param user       the user part, still escaped as on the wire
 * @param password   the password part of the userinfo, still escaped
 * @param host       a host name, IPv4 address or bracketed IPv6 reference
 * @param port       the port, when given
 * @param parameters the URI parameters in order, values still escaped
 * @param headers    the {@code ?name=value&...} headers in order, percent-decoded
 */
public record SipTarget(String uri, boolean secure, Optional<String> user, Optional<String> password, String host,
                        OptionalInt port, List<Parameter> parameters, List<Header> headers) {

    /** The longest header part ({@code ?...}) a URI may carry. */
    public static final int MAX_HEADERS_LENGTH = 1024;

    /** Seed 002: "When dialing an SIP endpoint, the transport defaults to TLS." */
    public static final String DEFAULT_TRANSPORT = "tls";

    /*
     * Headers the SIP stack writes itself; taking them from a document would break the request's framing or its
     * dialog and transaction identity (RFC 3261 §19.1.5 warns about exactly these). Compact forms included
     * (RFC 3261 §7.3.3), and "body", which §19.1.1 reserves for the message body.
     */
    private static final Set<String> STACK_OWNED = Set.of(
            "via", "v", "call-id", "i", "cseq", "from", "f", "to", "t", "contact", "m", "content-length", "l",
            "max-forwards", "route", "record-route", "content-type", "c", "body");

    /** A URI parameter; {@code value} is empty for a flag such as {@code ;lr}. */
    public record Parameter(String name, Optional<String> value) {
        public Parameter {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    /** A header to add to the INVITE, decoded from the URI's {@code ?name=value} part. */
    public record Header(String name, String value) {
        public Header {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
        }
    }

    public SipTarget {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(port, "port");
        parameters = List.copyOf(parameters);
        headers = List.copyOf(headers);
    }

    /** The value of a URI parameter, e.g. {@code parameter("transport")}; names compare case-insensitively. */
    public Optional<String> parameter(String name) {
        for (Parameter p : parameters) {
            if (p.name().equalsIgnoreCase(name)) {
                return p.value();
            }
        }
        return Optional.empty();
    }

    /** The transport to dial with, lower case: the {@code transport} parameter, or TLS (seed 002). */
    public String transport() {
        return parameter("transport").map(t -> t.toLowerCase(Locale.ROOT)).orElse(DEFAULT_TRANSPORT);
    }

    /** The URI without its header part, as it goes into the Request-URI and To header. */
    public String requestUri() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    @Override
    public String toString() {
        return uri;
    }

    /**
     * The target for a URI written in code (tests, configuration); documents go through {@link CxmlParser}, which
     * reports a bad URI as a document error instead.
     *
     * @throws IllegalArgumentException with the reason, when {@code uri} is not a SIP URI Dialtone can dial
     */
    public static SipTarget of(String uri) {
        Parsed parsed = parse(uri.strip());
        if (parsed.error() != null) {
            throw new IllegalArgumentException(parsed.error());
        }
        return parsed.target();
    }

    /** Parses {@code text} (already trimmed); the result holds the target or the reason it is not a SIP URI. */
    static Parsed parse(String text) {
        return new UriParser(text).parse();
    }

    record Parsed(SipTarget target, String error) {
        static Parsed ok(SipTarget target) {
            return new Parsed(target, null);
        }

        static Parsed error(String reason) {
            return new Parsed(null, reason);
        }
    }

    private static final class UriParser {
        // RFC 3261 §25.1 character classes.
        private static final String MARK = "-_.!~*'()";
        private static final String USER_UNRESERVED = "&=+$,;?/";
        private static final String PASSWORD_UNRESERVED = "&=+$,";
        private static final String PARAM_UNRESERVED = "[]/:&+$";
        private static final String HNV_UNRESERVED = "[]/?:+$";
        private static final String TOKEN_MARK = "-.!%*_+`'~";

        private final String s;

        UriParser(String s) {
            this.s = s;
        }

        Parsed parse() {
            if (s.isEmpty()) {
                return Parsed.error("empty SIP URI");
            }
            int colon = s.indexOf(':');
            String scheme = colon < 0 ? "" : s.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!scheme.equals("sip") && !scheme.equals("sips")) {
                return Parsed.error("'" + s + "' is not a SIP URI: it must start with sip: or sips:");
            }
            int q = s.indexOf('?', colon + 1);
            // RFC 3261 §25.1: '@' is allowed neither in parameters nor in headers, so the first one ends the userinfo.
            int at = s.indexOf('@', colon + 1);
            if (q >= 0 && at > q) {
                at = -1;
            }
            String rest = s.substring(colon + 1, q < 0 ? s.length() : q);
            String userinfo = null;
            if (at >= 0) {
                userinfo = s.substring(colon + 1, at);
                rest = s.substring(at + 1, q < 0 ? s.length() : q);
            }
            Optional<String> user = Optional.empty();
            Optional<String> password = Optional.empty();
            if (userinfo != null) {
                int pc = userinfo.indexOf(':');
                String u = pc < 0 ? userinfo : userinfo.substring(0, pc);
                if (u.isEmpty()) {
                    return Parsed.error("empty user part before '@'");
                }
                String bad = checkChars(u, USER_UNRESERVED);
                if (bad != null) {
                    return Parsed.error("user part: " + bad);
                }
                user = Optional.of(u);
                if (pc >= 0) {
                    String p = userinfo.substring(pc + 1);
                    bad = checkChars(p, PASSWORD_UNRESERVED);
                    if (bad != null) {
                        return Parsed.error("password part: " + bad);
                    }
                    password = Optional.of(p);
                }
            }
            int semi = rest.indexOf(';');
            String hostport = semi < 0 ? rest : rest.substring(0, semi);
            String host;
            OptionalInt port = OptionalInt.empty();
            String portText = null;
            if (hostport.startsWith("[")) {
                int close = hostport.indexOf(']');
                if (close < 0) {
                    return Parsed.error("IPv6 reference without ']'");
                }
                host = hostport.substring(0, close + 1);
                String after = hostport.substring(close + 1);
                if (!after.isEmpty()) {
                    if (after.charAt(0) != ':') {
                        return Parsed.error("unexpected '" + after + "' after the host");
                    }
                    portText = after.substring(1);
                }
                if (!isIpv6Reference(host)) {
                    return Parsed.error("'" + host + "' is not an IPv6 address");
                }
            } else {
                int pc = hostport.indexOf(':');
                host = pc < 0 ? hostport : hostport.substring(0, pc);
                if (pc >= 0) {
                    portText = hostport.substring(pc + 1);
                }
                if (host.isEmpty()) {
                    return Parsed.error("missing host");
                }
                if (!NetUtil.isValidIpV4Address(host) && !isHostname(host)) {
                    return Parsed.error("'" + host + "' is not a host name or IP address");
                }
            }
            if (portText != null) {
                if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    return Parsed.error("port '" + portText + "' is not a number");
                }
                int p = Integer.parseInt(portText);
                if (p < 1 || p > 65535) {
                    return Parsed.error("port " + p + " is out of range 1-65535");
                }
                port = OptionalInt.of(p);
            }
            List<Parameter> params = new ArrayList<>();
            if (semi >= 0) {
                for (String param : rest.substring(semi + 1).split(";", -1)) {
                    int eq = param.indexOf('=');
                    String name = eq < 0 ? param : param.substring(0, eq);
                    if (name.isEmpty()) {
                        return Parsed.error("empty URI parameter");
                    }
                    String bad = checkChars(name, PARAM_UNRESERVED);
                    if (bad != null) {
                        return Parsed.error("parameter name: " + bad);
                    }
                    Optional<String> value = Optional.empty();
                    if (eq >= 0) {
                        String v = param.substring(eq + 1);
                        bad = v.isEmpty() ? "empty value" : checkChars(v, PARAM_UNRESERVED);
                        if (bad != null) {
                            return Parsed.error("parameter " + name + ": " + bad);
                        }
                        value = Optional.of(v);
                    }
                    for (Parameter seen : params) {
                        // RFC 3261 §19.1.1: a URI parameter name must not appear more than once.
                        if (seen.name().equalsIgnoreCase(name)) {
                            return Parsed.error("parameter " + name + " appears more than once");
                        }
                    }
                    params.add(new Parameter(name, value));
                }
            }
            List<Header> headers = new ArrayList<>();
            if (q >= 0) {
                String part = s.substring(q + 1);
                if (part.length() > MAX_HEADERS_LENGTH) {
                    return Parsed.error("the header part is " + part.length() + " characters, more than "
                            + MAX_HEADERS_LENGTH);
                }
                if (part.isEmpty()) {
                    return Parsed.error("empty header part after '?'");
                }
                for (String h : part.split("&", -1)) {
                    int eq = h.indexOf('=');
                    if (eq <= 0) {
                        return Parsed.error("header '" + h + "' is not name=value");
                    }
                    String rawName = h.substring(0, eq);
                    String rawValue = h.substring(eq + 1);
                    String bad = checkChars(rawName, HNV_UNRESERVED);
                    if (bad == null) {
                        bad = checkChars(rawValue, HNV_UNRESERVED);
                    }
                    if (bad != null) {
                        return Parsed.error("header '" + h + "': " + bad);
                    }
                    String name = percentDecode(rawName);
                    String value = percentDecode(rawValue);
                    if (name == null || value == null) {
                        return Parsed.error("header '" + h + "': escapes are not valid UTF-8");
                    }
                    if (!isToken(name)) {
                        return Parsed.error("header name '" + name + "' is not a token");
                    }
                    if (STACK_OWNED.contains(name.toLowerCase(Locale.ROOT))) {
                        return Parsed.error("header " + name + " is set by the SIP stack and cannot come from the URI");
                    }
                    // A decoded CR or LF would let the document write arbitrary lines into the INVITE.
                    if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                        return Parsed.error("header " + name + ": value contains a line break or NUL");
                    }
                    headers.add(new Header(name, value));
                }
            }
            return Parsed.ok(new SipTarget(s, scheme.equals("sips"), user, password, host, port, params, headers));
        }

        /** Null when every character is unreserved, an escape, or one of {@code extra}; the problem otherwise. */
        private static String checkChars(String text, String extra) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '%') {
                    if (i + 2 >= text.length() || hex(text.charAt(i + 1)) < 0 || hex(text.charAt(i + 2)) < 0) {
                        return "'%' not followed by two hex digits";
                    }
                    i += 2;
                } else if (!isUnreserved(c) && extra.indexOf(c) < 0) {
                    return Character.isWhitespace(c) ? "whitespace is not allowed" : "character '" + c + "' must be escaped";
                }
            }
            return null;
        }

        private static boolean isAlphanum(char c) {
            return c < 128 && Character.isLetterOrDigit(c);
        }

        private static boolean isUnreserved(char c) {
            return isAlphanum(c) || MARK.indexOf(c) >= 0;
        }

        private static boolean isToken(String s) {
            if (s.isEmpty()) {
                return false;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!isAlphanum(c) && TOKEN_MARK.indexOf(c) < 0) {
                    return false;
                }
            }
            return true;
        }

        private static int hex(char c) {
            return Character.digit(c, 16);
        }

        private static String percentDecode(String s) {
            if (s.indexOf('%') < 0) {
                return s;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '%') {
                    out.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                    i += 2;
                } else {
                    out.write(c);
                }
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(out.toByteArray())).toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }

        // RFC 3261 §25.1: hostname = *( domainlabel "." ) toplabel [ "." ]; toplabel starts with a letter.
        private static boolean isHostname(String host) {
            String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
            if (h.isEmpty()) {
                return false;
            }
            String[] labels = h.split("\\.", -1);
            for (String label : labels) {
                if (label.isEmpty() || label.length() > 63 || label.charAt(0) == '-'
                        || label.charAt(label.length() - 1) == '-') {
                    return false;
                }
                for (int i = 0; i < label.length(); i++) {
                    char c = label.charAt(i);
                    if (!isAlphanum(c) && c != '-') {
                        return false;
                    }
                }
            }
            char top = labels[labels.length - 1].charAt(0);
            return Character.isLetter(top);
        }

        private static boolean isIpv6Reference(String ref) {
            String inner = ref.substring(1, ref.length() - 1);
            if (inner.isEmpty() || inner.chars().filter(c -> c == ':').count() < 2) {
                return false;
            }
            for (int i = 0; i < inner.length(); i++) {
                char c = inner.charAt(i);
                if (hex(c) < 0 && c != ':' && c != '.') {
                    return false;
                }
            }
            try {
                // A literal of only hex digits, colons and dots is parsed without any name lookup.
                java.net.InetAddress.getByName(ref);
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
    }
}
