-- Synced Stripe objects (README "Synced objects"), SQLite flavour: booleans are 0/1, JSON is text, synced_at RFC 3339 UTC text.
-- Generated from crates/stripe-receiver/src/sync/kinds.rs (test sync::schema).
-- Stripe times (created, deleted_at, event_created and the *_at/*_date/period columns)
-- are Unix seconds; amounts are integers in the currency's smallest unit.

CREATE TABLE stripe_customers (
    id                      TEXT PRIMARY KEY NOT NULL,
    object                  TEXT NOT NULL,
    account                 TEXT,
    livemode                INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created                 INTEGER,
    metadata                TEXT,
    email                   TEXT,
    name                    TEXT,
    description             TEXT,
    currency                TEXT,
    balance                 INTEGER,
    delinquent              INTEGER CHECK (delinquent IN (0, 1)),
    default_payment_method  TEXT,
    data                    TEXT NOT NULL,
    deleted                 INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at              INTEGER,
    event_created           INTEGER NOT NULL,
    event_id                TEXT NOT NULL,
    synced_at               TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_customers_account ON stripe_customers (account);

CREATE TABLE stripe_charges (
    id               TEXT PRIMARY KEY NOT NULL,
    object           TEXT NOT NULL,
    account          TEXT,
    livemode         INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created          INTEGER,
    metadata         TEXT,
    customer         TEXT,
    amount           INTEGER,
    amount_captured  INTEGER,
    amount_refunded  INTEGER,
    currency         TEXT,
    status           TEXT,
    paid             INTEGER CHECK (paid IN (0, 1)),
    captured         INTEGER CHECK (captured IN (0, 1)),
    refunded         INTEGER CHECK (refunded IN (0, 1)),
    disputed         INTEGER CHECK (disputed IN (0, 1)),
    payment_intent   TEXT,
    payment_method   TEXT,
    invoice          TEXT,
    failure_code     TEXT,
    description      TEXT,
    data             TEXT NOT NULL,
    deleted          INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at       INTEGER,
    event_created    INTEGER NOT NULL,
    event_id         TEXT NOT NULL,
    synced_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_charges_account ON stripe_charges (account);
CREATE INDEX stripe_charges_customer ON stripe_charges (customer);

CREATE TABLE stripe_refunds (
    id              TEXT PRIMARY KEY NOT NULL,
    object          TEXT NOT NULL,
    account         TEXT,
    livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created         INTEGER,
    metadata        TEXT,
    charge          TEXT,
    payment_intent  TEXT,
    amount          INTEGER,
    currency        TEXT,
    status          TEXT,
    reason          TEXT,
    data            TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at      INTEGER,
    event_created   INTEGER NOT NULL,
    event_id        TEXT NOT NULL,
    synced_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_refunds_account ON stripe_refunds (account);

CREATE TABLE stripe_disputes (
    id              TEXT PRIMARY KEY NOT NULL,
    object          TEXT NOT NULL,
    account         TEXT,
    livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created         INTEGER,
    metadata        TEXT,
    charge          TEXT,
    payment_intent  TEXT,
    amount          INTEGER,
    currency        TEXT,
    status          TEXT,
    reason          TEXT,
    data            TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at      INTEGER,
    event_created   INTEGER NOT NULL,
    event_id        TEXT NOT NULL,
    synced_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_disputes_account ON stripe_disputes (account);

CREATE TABLE stripe_payment_methods (
    id              TEXT PRIMARY KEY NOT NULL,
    object          TEXT NOT NULL,
    account         TEXT,
    livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created         INTEGER,
    metadata        TEXT,
    customer        TEXT,
    type            TEXT,
    card_brand      TEXT,
    card_last4      TEXT,
    card_exp_month  INTEGER,
    card_exp_year   INTEGER,
    data            TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at      INTEGER,
    event_created   INTEGER NOT NULL,
    event_id        TEXT NOT NULL,
    synced_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_payment_methods_account ON stripe_payment_methods (account);
CREATE INDEX stripe_payment_methods_customer ON stripe_payment_methods (customer);

CREATE TABLE stripe_payment_intents (
    id               TEXT PRIMARY KEY NOT NULL,
    object           TEXT NOT NULL,
    account          TEXT,
    livemode         INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created          INTEGER,
    metadata         TEXT,
    customer         TEXT,
    amount           INTEGER,
    amount_received  INTEGER,
    currency         TEXT,
    status           TEXT,
    payment_method   TEXT,
    latest_charge    TEXT,
    invoice          TEXT,
    description      TEXT,
    data             TEXT NOT NULL,
    deleted          INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at       INTEGER,
    event_created    INTEGER NOT NULL,
    event_id         TEXT NOT NULL,
    synced_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_payment_intents_account ON stripe_payment_intents (account);
CREATE INDEX stripe_payment_intents_customer ON stripe_payment_intents (customer);

CREATE TABLE stripe_setup_intents (
    id              TEXT PRIMARY KEY NOT NULL,
    object          TEXT NOT NULL,
    account         TEXT,
    livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created         INTEGER,
    metadata        TEXT,
    customer        TEXT,
    status          TEXT,
    payment_method  TEXT,
    usage           TEXT,
    data            TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at      INTEGER,
    event_created   INTEGER NOT NULL,
    event_id        TEXT NOT NULL,
    synced_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_setup_intents_account ON stripe_setup_intents (account);
CREATE INDEX stripe_setup_intents_customer ON stripe_setup_intents (customer);

CREATE TABLE stripe_subscriptions (
    id                      TEXT PRIMARY KEY NOT NULL,
    object                  TEXT NOT NULL,
    account                 TEXT,
    livemode                INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created                 INTEGER,
    metadata                TEXT,
    customer                TEXT,
    status                  TEXT,
    currency                TEXT,
    current_period_start    INTEGER,
    current_period_end      INTEGER,
    cancel_at_period_end    INTEGER CHECK (cancel_at_period_end IN (0, 1)),
    canceled_at             INTEGER,
    ended_at                INTEGER,
    trial_end               INTEGER,
    latest_invoice          TEXT,
    default_payment_method  TEXT,
    schedule                TEXT,
    data                    TEXT NOT NULL,
    deleted                 INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at              INTEGER,
    event_created           INTEGER NOT NULL,
    event_id                TEXT NOT NULL,
    synced_at               TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_subscriptions_account ON stripe_subscriptions (account);
CREATE INDEX stripe_subscriptions_customer ON stripe_subscriptions (customer);

CREATE TABLE stripe_subscription_schedules (
    id             TEXT PRIMARY KEY NOT NULL,
    object         TEXT NOT NULL,
    account        TEXT,
    livemode       INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created        INTEGER,
    metadata       TEXT,
    customer       TEXT,
    subscription   TEXT,
    status         TEXT,
    end_behavior   TEXT,
    canceled_at    INTEGER,
    completed_at   INTEGER,
    released_at    INTEGER,
    data           TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at     INTEGER,
    event_created  INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    synced_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_subscription_schedules_account ON stripe_subscription_schedules (account);
CREATE INDEX stripe_subscription_schedules_customer ON stripe_subscription_schedules (customer);

CREATE TABLE stripe_invoices (
    id                TEXT PRIMARY KEY NOT NULL,
    object            TEXT NOT NULL,
    account           TEXT,
    livemode          INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created           INTEGER,
    metadata          TEXT,
    customer          TEXT,
    subscription      TEXT,
    status            TEXT,
    number            TEXT,
    currency          TEXT,
    amount_due        INTEGER,
    amount_paid       INTEGER,
    amount_remaining  INTEGER,
    total             INTEGER,
    paid              INTEGER CHECK (paid IN (0, 1)),
    due_date          INTEGER,
    billing_reason    TEXT,
    charge            TEXT,
    payment_intent    TEXT,
    data              TEXT NOT NULL,
    deleted           INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at        INTEGER,
    event_created     INTEGER NOT NULL,
    event_id          TEXT NOT NULL,
    synced_at         TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_invoices_account ON stripe_invoices (account);
CREATE INDEX stripe_invoices_customer ON stripe_invoices (customer);

CREATE TABLE stripe_invoice_items (
    id             TEXT PRIMARY KEY NOT NULL,
    object         TEXT NOT NULL,
    account        TEXT,
    livemode       INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created        INTEGER,
    metadata       TEXT,
    customer       TEXT,
    invoice        TEXT,
    subscription   TEXT,
    amount         INTEGER,
    currency       TEXT,
    description    TEXT,
    price          TEXT,
    period_start   INTEGER,
    period_end     INTEGER,
    data           TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at     INTEGER,
    event_created  INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    synced_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_invoice_items_account ON stripe_invoice_items (account);
CREATE INDEX stripe_invoice_items_customer ON stripe_invoice_items (customer);

CREATE TABLE stripe_products (
    id             TEXT PRIMARY KEY NOT NULL,
    object         TEXT NOT NULL,
    account        TEXT,
    livemode       INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created        INTEGER,
    metadata       TEXT,
    name           TEXT,
    active         INTEGER CHECK (active IN (0, 1)),
    description    TEXT,
    type           TEXT,
    default_price  TEXT,
    data           TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at     INTEGER,
    event_created  INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    synced_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_products_account ON stripe_products (account);

CREATE TABLE stripe_prices (
    id                        TEXT PRIMARY KEY NOT NULL,
    object                    TEXT NOT NULL,
    account                   TEXT,
    livemode                  INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created                   INTEGER,
    metadata                  TEXT,
    product                   TEXT,
    active                    INTEGER CHECK (active IN (0, 1)),
    currency                  TEXT,
    unit_amount               INTEGER,
    type                      TEXT,
    recurring_interval        TEXT,
    recurring_interval_count  INTEGER,
    lookup_key                TEXT,
    nickname                  TEXT,
    data                      TEXT NOT NULL,
    deleted                   INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at                INTEGER,
    event_created             INTEGER NOT NULL,
    event_id                  TEXT NOT NULL,
    synced_at                 TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_prices_account ON stripe_prices (account);

CREATE TABLE stripe_plans (
    id              TEXT PRIMARY KEY NOT NULL,
    object          TEXT NOT NULL,
    account         TEXT,
    livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created         INTEGER,
    metadata        TEXT,
    product         TEXT,
    active          INTEGER CHECK (active IN (0, 1)),
    amount          INTEGER,
    currency        TEXT,
    interval        TEXT,
    interval_count  INTEGER,
    nickname        TEXT,
    data            TEXT NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at      INTEGER,
    event_created   INTEGER NOT NULL,
    event_id        TEXT NOT NULL,
    synced_at       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_plans_account ON stripe_plans (account);

CREATE TABLE stripe_coupons (
    id                  TEXT PRIMARY KEY NOT NULL,
    object              TEXT NOT NULL,
    account             TEXT,
    livemode            INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created             INTEGER,
    metadata            TEXT,
    name                TEXT,
    amount_off          INTEGER,
    percent_off         REAL,
    currency            TEXT,
    duration            TEXT,
    duration_in_months  INTEGER,
    valid               INTEGER CHECK (valid IN (0, 1)),
    times_redeemed      INTEGER,
    max_redemptions     INTEGER,
    redeem_by           INTEGER,
    data                TEXT NOT NULL,
    deleted             INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at          INTEGER,
    event_created       INTEGER NOT NULL,
    event_id            TEXT NOT NULL,
    synced_at           TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_coupons_account ON stripe_coupons (account);

CREATE TABLE stripe_promotion_codes (
    id               TEXT PRIMARY KEY NOT NULL,
    object           TEXT NOT NULL,
    account          TEXT,
    livemode         INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created          INTEGER,
    metadata         TEXT,
    code             TEXT,
    coupon           TEXT,
    customer         TEXT,
    active           INTEGER CHECK (active IN (0, 1)),
    times_redeemed   INTEGER,
    max_redemptions  INTEGER,
    expires_at       INTEGER,
    data             TEXT NOT NULL,
    deleted          INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at       INTEGER,
    event_created    INTEGER NOT NULL,
    event_id         TEXT NOT NULL,
    synced_at        TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_promotion_codes_account ON stripe_promotion_codes (account);
CREATE INDEX stripe_promotion_codes_customer ON stripe_promotion_codes (customer);

CREATE TABLE stripe_tax_rates (
    id             TEXT PRIMARY KEY NOT NULL,
    object         TEXT NOT NULL,
    account        TEXT,
    livemode       INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created        INTEGER,
    metadata       TEXT,
    display_name   TEXT,
    percentage     REAL,
    inclusive      INTEGER CHECK (inclusive IN (0, 1)),
    active         INTEGER CHECK (active IN (0, 1)),
    country        TEXT,
    state          TEXT,
    jurisdiction   TEXT,
    tax_type       TEXT,
    data           TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at     INTEGER,
    event_created  INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    synced_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_tax_rates_account ON stripe_tax_rates (account);

CREATE TABLE stripe_tax_ids (
    id                   TEXT PRIMARY KEY NOT NULL,
    object               TEXT NOT NULL,
    account              TEXT,
    livemode             INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created              INTEGER,
    metadata             TEXT,
    customer             TEXT,
    type                 TEXT,
    value                TEXT,
    country              TEXT,
    verification_status  TEXT,
    data                 TEXT NOT NULL,
    deleted              INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at           INTEGER,
    event_created        INTEGER NOT NULL,
    event_id             TEXT NOT NULL,
    synced_at            TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_tax_ids_account ON stripe_tax_ids (account);
CREATE INDEX stripe_tax_ids_customer ON stripe_tax_ids (customer);

CREATE TABLE stripe_checkout_sessions (
    id                   TEXT PRIMARY KEY NOT NULL,
    object               TEXT NOT NULL,
    account              TEXT,
    livemode             INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created              INTEGER,
    metadata             TEXT,
    customer             TEXT,
    customer_email       TEXT,
    mode                 TEXT,
    status               TEXT,
    payment_status       TEXT,
    payment_intent       TEXT,
    setup_intent         TEXT,
    subscription         TEXT,
    invoice              TEXT,
    amount_total         INTEGER,
    currency             TEXT,
    client_reference_id  TEXT,
    expires_at           INTEGER,
    data                 TEXT NOT NULL,
    deleted              INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at           INTEGER,
    event_created        INTEGER NOT NULL,
    event_id             TEXT NOT NULL,
    synced_at            TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_checkout_sessions_account ON stripe_checkout_sessions (account);
CREATE INDEX stripe_checkout_sessions_customer ON stripe_checkout_sessions (customer);

CREATE TABLE stripe_accounts (
    id                 TEXT PRIMARY KEY NOT NULL,
    object             TEXT NOT NULL,
    account            TEXT,
    livemode           INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created            INTEGER,
    metadata           TEXT,
    type               TEXT,
    email              TEXT,
    country            TEXT,
    default_currency   TEXT,
    business_type      TEXT,
    charges_enabled    INTEGER CHECK (charges_enabled IN (0, 1)),
    payouts_enabled    INTEGER CHECK (payouts_enabled IN (0, 1)),
    details_submitted  INTEGER CHECK (details_submitted IN (0, 1)),
    data               TEXT NOT NULL,
    deleted            INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at         INTEGER,
    event_created      INTEGER NOT NULL,
    event_id           TEXT NOT NULL,
    synced_at          TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_accounts_account ON stripe_accounts (account);

CREATE TABLE stripe_external_accounts (
    id                    TEXT PRIMARY KEY NOT NULL,
    object                TEXT NOT NULL,
    account               TEXT,
    livemode              INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created               INTEGER,
    metadata              TEXT,
    owner_account         TEXT,
    currency              TEXT,
    country               TEXT,
    last4                 TEXT,
    bank_name             TEXT,
    brand                 TEXT,
    status                TEXT,
    default_for_currency  INTEGER CHECK (default_for_currency IN (0, 1)),
    data                  TEXT NOT NULL,
    deleted               INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at            INTEGER,
    event_created         INTEGER NOT NULL,
    event_id              TEXT NOT NULL,
    synced_at             TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_external_accounts_account ON stripe_external_accounts (account);

CREATE TABLE stripe_payouts (
    id             TEXT PRIMARY KEY NOT NULL,
    object         TEXT NOT NULL,
    account        TEXT,
    livemode       INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created        INTEGER,
    metadata       TEXT,
    amount         INTEGER,
    currency       TEXT,
    status         TEXT,
    arrival_date   INTEGER,
    method         TEXT,
    type           TEXT,
    destination    TEXT,
    automatic      INTEGER CHECK (automatic IN (0, 1)),
    failure_code   TEXT,
    data           TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at     INTEGER,
    event_created  INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    synced_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_payouts_account ON stripe_payouts (account);

CREATE TABLE stripe_transfers (
    id                   TEXT PRIMARY KEY NOT NULL,
    object               TEXT NOT NULL,
    account              TEXT,
    livemode             INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created              INTEGER,
    metadata             TEXT,
    amount               INTEGER,
    amount_reversed      INTEGER,
    currency             TEXT,
    destination          TEXT,
    destination_payment  TEXT,
    source_transaction   TEXT,
    transfer_group       TEXT,
    reversed             INTEGER CHECK (reversed IN (0, 1)),
    data                 TEXT NOT NULL,
    deleted              INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at           INTEGER,
    event_created        INTEGER NOT NULL,
    event_id             TEXT NOT NULL,
    synced_at            TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_transfers_account ON stripe_transfers (account);

CREATE TABLE stripe_files (
    id             TEXT PRIMARY KEY NOT NULL,
    object         TEXT NOT NULL,
    account        TEXT,
    livemode       INTEGER NOT NULL CHECK (livemode IN (0, 1)),
    created        INTEGER,
    metadata       TEXT,
    purpose        TEXT,
    filename       TEXT,
    size           INTEGER,
    type           TEXT,
    url            TEXT,
    expires_at     INTEGER,
    data           TEXT NOT NULL,
    deleted        INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    deleted_at     INTEGER,
    event_created  INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    synced_at      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stripe_files_account ON stripe_files (account);
