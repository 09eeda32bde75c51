-- Registrar bindings (RFC 3261 10.3): one row per address-of-record and Contact URI.
-- received is the source host:port the REGISTER came from; flow_id names the connection (RFC 5626) or is NULL;
-- expires_at is epoch milliseconds; q is the Contact q-value, NULL when the Contact had none.
-- A binding belongs to its endpoint and goes with it.
CREATE TABLE registration_bindings (
    aor VARCHAR(512) NOT NULL,
    contact_uri VARCHAR(2048) NOT NULL,
    endpoint_id UUID NOT NULL,
    received VARCHAR(255) NOT NULL,
    transport VARCHAR(8) NOT NULL,
    flow_id VARCHAR(255),
    expires_at BIGINT NOT NULL,
    call_id VARCHAR(255) NOT NULL,
    cseq BIGINT NOT NULL,
    q DECIMAL(4, 3),
    CONSTRAINT registration_bindings_pkey PRIMARY KEY (aor, contact_uri),
    CONSTRAINT registration_bindings_endpoint_fkey FOREIGN KEY (endpoint_id)
        REFERENCES sip_endpoints (id) ON DELETE CASCADE
);
CREATE INDEX registration_bindings_expires_idx ON registration_bindings (expires_at);
CREATE INDEX registration_bindings_endpoint_idx ON registration_bindings (endpoint_id);
