-- pgbench script: the writes of one processed charge.succeeded in one transaction (the event row
-- with ~2.3 KB of jsonb, the built-in sync's charge row (an upsert with the object's ~2 KB of
-- jsonb), the application's row, the delivery row with the raw body and headers).
-- Run against a database migrated by the product (bench/load.sh does).
BEGIN;
INSERT INTO stripe_events (id, type, api_version, livemode, created, request_id, data, body_hash, received_at)
  VALUES ('evt_' || md5(random()::text || clock_timestamp()::text), 'charge.succeeded', '2024-06-20', false,
          1700000000, 'req_1', jsonb_build_object('object', jsonb_build_object('id', 'ch_x', 'object', 'charge', 'pad', repeat('x', 2100))),
          repeat('0', 64), now());
INSERT INTO stripe_charges (id, object, livemode, created, amount, currency, status, paid, captured,
                            data, deleted, event_created, event_id, synced_at)
  VALUES ('ch_' || md5(random()::text || clock_timestamp()::text), 'charge', false, 1700000000, 1000, 'usd',
          'succeeded', true, true,
          jsonb_build_object('id', 'ch_x', 'object', 'charge', 'pad', repeat('x', 2000)), false,
          1700000000, 'evt_x', now())
  ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data, event_created = EXCLUDED.event_created,
    event_id = EXCLUDED.event_id, synced_at = EXCLUDED.synced_at
  WHERE NOT stripe_charges.deleted AND (stripe_charges.event_created, stripe_charges.event_id)
        <= (EXCLUDED.event_created, EXCLUDED.event_id);
INSERT INTO bench_receipts (charge_id, amount, event_id) VALUES ('ch_x', 1000, 'evt_x');
INSERT INTO stripe_webhook_deliveries (id, endpoint_uuid, received_at, remote_ip, headers, body, valid, outcome, event_id, event_type)
  SELECT gen_random_uuid(), uuid, now(), '127.0.0.1', '{"stripe-signature": "t=1,v1=0"}'::jsonb,
         convert_to(repeat('y', 2300), 'UTF8'), true, 'processed', 'evt_x', 'charge.succeeded'
  FROM stripe_webhook_endpoints LIMIT 1;
END;
