-- The endpoint cache (src/endpoint_cache.rs) of every running process LISTENs on the channel
-- `stripe_receiver_endpoints`: each change to an endpoint row, whoever makes it (another process,
-- the CLI, psql), notifies the endpoint's uuid when its transaction commits, and the processes
-- drop their cached copy. TRUNCATE notifies `*` (drop everything).
CREATE FUNCTION stripe_receiver_endpoint_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('stripe_receiver_endpoints', '*');
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('stripe_receiver_endpoints', OLD.uuid::text);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.uuid IS DISTINCT FROM OLD.uuid) THEN
        PERFORM pg_notify('stripe_receiver_endpoints', NEW.uuid::text);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER stripe_webhook_endpoints_notify
    AFTER INSERT OR UPDATE OR DELETE ON stripe_webhook_endpoints
    FOR EACH ROW EXECUTE FUNCTION stripe_receiver_endpoint_notify();

CREATE TRIGGER stripe_webhook_endpoints_notify_truncate
    AFTER TRUNCATE ON stripe_webhook_endpoints
    FOR EACH STATEMENT EXECUTE FUNCTION stripe_receiver_endpoint_notify();
