package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Where requests inside a dialog go (RFC 3261 12.1, 12.2.1.1): route set, remote target, loose and strict routing. */
final class Routing {
    private Routing() {
    }

    /** 12.1.2: the UAC takes the Record-Route of the response in reverse order. */
    static List<Address> uacRouteSet(SipMessage response) {
        List<Address> routes = new ArrayList<>(response.recordRoutes());
        Collections.reverse(routes);
        return List.copyOf(routes);
    }

    /** 12.1.1: the UAS takes the Record-Route of the request in order. */
    static List<Address> uasRouteSet(SipMessage request) {
        return List.copyOf(request.recordRoutes());
    }

    /** A strict router (no {@code lr}) first in the route set takes the Request-URI (12.2.1.1). */
    static boolean strict(List<Address> routeSet) {
        return !routeSet.isEmpty() && !(routeSet.get(0).uri() instanceof SipUri sip && sip.lr());
    }

    static Uri requestUri(List<Address> routeSet, Uri remoteTarget) {
        if (!strict(routeSet)) {
            return remoteTarget;
        }
        // 12.2.1.1: the first route's URI, without the parameters a Request-URI may not carry.
        Uri first = routeSet.get(0).uri();
        return first instanceof SipUri sip ? sip.withoutParam("method").withoutHeaders() : first;
    }

    /** The Route header values: the route set, or for a strict router the rest of it and the remote target last. */
    static List<Address> routes(List<Address> routeSet, Uri remoteTarget) {
        if (!strict(routeSet)) {
            return routeSet;
        }
        List<Address> routes = new ArrayList<>(routeSet.subList(1, routeSet.size()));
        routes.add(Address.of(remoteTarget));
        return routes;
    }

    /** Where the request is sent: the first route (loose or strict), else the remote target. */
    static Uri nextHop(List<Address> routeSet, Uri remoteTarget) {
        return routeSet.isEmpty() ? remoteTarget : routeSet.get(0).uri();
    }

    /** The URI of the first Contact, or {@code fallback} when there is none. */
    static Uri contactOr(SipMessage message, Uri fallback) {
        var contacts = message.contacts();
        if (contacts.isEmpty() || contacts.get(0).isStar()) {
            return fallback;
        }
        return contacts.get(0).uri();
    }

    /** RFC 3311 5.1: UPDATE only to a peer that listed it in Allow (methods are case-sensitive, RFC 3261 7.1). */
    static boolean allowsUpdate(SipMessage message) {
        try {
            // The validated message's parsed Allow, cached on it, instead of splitting the header text again.
            return message.allow().contains(SipMethod.UPDATE);
        } catch (SipParseException e) {
            return false; // a message we built ourselves and never validated: an Allow we cannot read allows nothing
        }
    }
}
