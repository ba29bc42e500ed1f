-- The large values every webhook writes — the event's `data`, the delivery's raw `body` and
-- `headers`, the synced objects' `data` — pass PostgreSQL's TOAST threshold (about 2 KB) and are
-- compressed in the writing backend. The default method, pglz, was the largest single cost of
-- PostgreSQL's CPU per webhook in the load benchmark (BENCHMARKS.md); lz4 compresses several
-- times faster at a similar ratio. Existing values stay as they are; new ones use lz4.
-- PostgreSQL builds without lz4 (`--without-lz4`) keep pglz: the change is skipped there.
DO $$
DECLARE
    col record;
BEGIN
    FOR col IN
        SELECT c.table_name, c.column_name
        FROM information_schema.columns c
        WHERE c.table_schema = current_schema()
          AND c.table_name LIKE 'stripe\_%'
          AND c.column_name IN ('data', 'body', 'headers')
          AND c.data_type IN ('jsonb', 'bytea')
    LOOP
        EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET COMPRESSION lz4', col.table_name, col.column_name);
    END LOOP;
EXCEPTION
    WHEN feature_not_supported THEN
        RAISE NOTICE 'lz4 is not available in this PostgreSQL build; TOAST compression stays pglz';
END
$$;
