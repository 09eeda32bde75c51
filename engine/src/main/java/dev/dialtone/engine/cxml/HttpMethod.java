package dev.dialtone.engine.cxml;

/** The two methods a cXML document may name for a request back to the application. */
public enum HttpMethod {
    GET, POST
}
