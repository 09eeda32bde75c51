package dev.dialtone.sip.dialog;

/**
 * The text of the one object last printed here, by identity: the same few Address and Uri objects (our Contact,
 * a load test's From, To and Request-URI) go into every call's requests, and printing a URI is most of the cost
 * of a header. A race between threads prints the same object twice, no more.
 */
final class Printed {

    private record Entry(Object object, String text) {
    }

    private volatile Entry last = new Entry(null, null);

    String of(Object o) {
        Entry e = last;
        if (e.object != o) {
            e = new Entry(o, o.toString());
            last = e;
        }
        return e.text;
    }
}
