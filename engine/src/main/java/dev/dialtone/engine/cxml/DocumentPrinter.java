package dev.dialtone.engine.cxml;

import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders a {@link Document} as an indented tree with every attribute, defaults included, the way the engine will
 * run it: what {@code dialtone.jar cxml FILE} prints. Passwords are shown only as set or not.
 */
public final class DocumentPrinter {

    private static final String NONE = "(none)";

    private DocumentPrinter() {
    }

    public static String print(Document document) {
        StringBuilder out = new StringBuilder("Response\n");
        for (Verb verb : document.verbs()) {
            if (verb instanceof Dial dial) {
                dial(out, dial);
            } else if (verb instanceof Hangup) {
                out.append("  Hangup\n");
            } else if (verb instanceof Reject reject) {
                out.append("  Reject\n");
                attribute(out, 4, "reason", reject.reason().value());
            } else if (verb instanceof Pause pause) {
                out.append("  Pause\n");
                attribute(out, 4, "length", pause.length());
            } else if (verb instanceof Redirect redirect) {
                out.append("  Redirect ").append(redirect.url()).append('\n');
                attribute(out, 4, "method", redirect.method());
            }
        }
        return out.toString();
    }

    private static void dial(StringBuilder out, Dial dial) {
        out.append("  Dial\n");
        attribute(out, 4, "action", dial.action());
        attribute(out, 4, "method", dial.method());
        attribute(out, 4, "timeout", dial.timeout());
        attribute(out, 4, "callerId", dial.callerId());
        attribute(out, 4, "callerName", dial.callerName());
        attribute(out, 4, "hangupOnStar", dial.hangupOnStar());
        attribute(out, 4, "timeLimit", dial.timeLimit());
        attribute(out, 4, "answerOnBridge", dial.answerOnBridge());
        attribute(out, 4, "record", dial.record().value());
        attribute(out, 4, "ringTone", dial.ringTone());
        for (Sip sip : dial.sips()) {
            out.append("    Sip ").append(sip.target().uri()).append('\n');
            attribute(out, 6, "codecs", sip.codecs().stream().map(Codec::name).collect(Collectors.joining(",")));
            attribute(out, 6, "method", sip.method());
            attribute(out, 6, "username", sip.username());
            attribute(out, 6, "password", sip.password().isPresent() ? "(set)" : NONE);
            attribute(out, 6, "sessionTimeout", sip.sessionTimeout());
            attribute(out, 6, "statusCallback", sip.statusCallback());
            attribute(out, 6, "statusCallbackEvent", sip.statusCallbackEvents().stream().sorted()
                    .map(StatusCallbackEvent::value).collect(Collectors.joining(" ")));
            attribute(out, 6, "statusCallbackMethod", sip.statusCallbackMethod());
            attribute(out, 6, "url", sip.url());
            SipTarget t = sip.target();
            attribute(out, 6, "uri.scheme", t.secure() ? "sips" : "sip");
            attribute(out, 6, "uri.user", t.user());
            attribute(out, 6, "uri.host", t.host());
            attribute(out, 6, "uri.port", t.port().isPresent() ? String.valueOf(t.port().getAsInt()) : NONE);
            attribute(out, 6, "uri.transport", t.transport());
            for (SipTarget.Parameter p : t.parameters()) {
                attribute(out, 6, "uri.param " + p.name(), p.value());
            }
            for (SipTarget.Header h : t.headers()) {
                attribute(out, 6, "uri.header " + h.name(), h.value());
            }
        }
    }

    private static void attribute(StringBuilder out, int indent, String name, Object value) {
        Object shown = value instanceof Optional<?> o ? o.map(Object::toString).orElse(NONE) : value;
        out.append(" ".repeat(indent)).append(name).append(": ").append(shown).append('\n');
    }
}
