-- Synced Stripe objects (README "Synced objects"), PostgreSQL flavour: boolean, jsonb, timestamptz.
-- Generated from crates/stripe-receiver/src/sync/kinds.rs (test sync::schema).
-- Stripe times (created, deleted_at, event_created and the *_at/*_date/period columns)
-- are Unix seconds; amounts are integers in the currency's smallest unit.

CREATE TABLE stripe_customers (
    id                      text PRIMARY KEY NOT NULL,
    object                  text NOT NULL,
    account                 text,
    livemode                boolean NOT NULL,
    created                 bigint,
    metadata                jsonb,
    email                   text,
    name                    text,
    description             text,
    currency                text,
    balance                 bigint,
    delinquent              boolean,
    default_payment_method  text,
    data                    jsonb NOT NULL,
    deleted                 boolean NOT NULL DEFAULT false,
    deleted_at              bigint,
    event_created           bigint NOT NULL,
    event_id                text NOT NULL,
    synced_at               timestamptz NOT NULL
);
CREATE INDEX stripe_customers_account ON stripe_customers (account);

CREATE TABLE stripe_charges (
    id               text PRIMARY KEY NOT NULL,
    object           text NOT NULL,
    account          text,
    livemode         boolean NOT NULL,
    created          bigint,
    metadata         jsonb,
    customer         text,
    amount           bigint,
    amount_captured  bigint,
    amount_refunded  bigint,
    currency         text,
    status           text,
    paid             boolean,
    captured         boolean,
    refunded         boolean,
    disputed         boolean,
    payment_intent   text,
    payment_method   text,
    invoice          text,
    failure_code     text,
    description      text,
    data             jsonb NOT NULL,
    deleted          boolean NOT NULL DEFAULT false,
    deleted_at       bigint,
    event_created    bigint NOT NULL,
    event_id         text NOT NULL,
    synced_at        timestamptz NOT NULL
);
CREATE INDEX stripe_charges_account ON stripe_charges (account);
CREATE INDEX stripe_charges_customer ON stripe_charges (customer);

CREATE TABLE stripe_refunds (
    id              text PRIMARY KEY NOT NULL,
    object          text NOT NULL,
    account         text,
    livemode        boolean NOT NULL,
    created         bigint,
    metadata        jsonb,
    charge          text,
    payment_intent  text,
    amount          bigint,
    currency        text,
    status          text,
    reason          text,
    data            jsonb NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    deleted_at      bigint,
    event_created   bigint NOT NULL,
    event_id        text NOT NULL,
    synced_at       timestamptz NOT NULL
);
CREATE INDEX stripe_refunds_account ON stripe_refunds (account);

CREATE TABLE stripe_disputes (
    id              text PRIMARY KEY NOT NULL,
    object          text NOT NULL,
    account         text,
    livemode        boolean NOT NULL,
    created         bigint,
    metadata        jsonb,
    charge          text,
    payment_intent  text,
    amount          bigint,
    currency        text,
    status          text,
    reason          text,
    data            jsonb NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    deleted_at      bigint,
    event_created   bigint NOT NULL,
    event_id        text NOT NULL,
    synced_at       timestamptz NOT NULL
);
CREATE INDEX stripe_disputes_account ON stripe_disputes (account);

CREATE TABLE stripe_payment_methods (
    id              text PRIMARY KEY NOT NULL,
    object          text NOT NULL,
    account         text,
    livemode        boolean NOT NULL,
    created         bigint,
    metadata        jsonb,
    customer        text,
    type            text,
    card_brand      text,
    card_last4      text,
    card_exp_month  bigint,
    card_exp_year   bigint,
    data            jsonb NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    deleted_at      bigint,
    event_created   bigint NOT NULL,
    event_id        text NOT NULL,
    synced_at       timestamptz NOT NULL
);
CREATE INDEX stripe_payment_methods_account ON stripe_payment_methods (account);
CREATE INDEX stripe_payment_methods_customer ON stripe_payment_methods (customer);

CREATE TABLE stripe_payment_intents (
    id               text PRIMARY KEY NOT NULL,
    object           text NOT NULL,
    account          text,
    livemode         boolean NOT NULL,
    created          bigint,
    metadata         jsonb,
    customer         text,
    amount           bigint,
    amount_received  bigint,
    currency         text,
    status           text,
    payment_method   text,
    latest_charge    text,
    invoice          text,
    description      text,
    data             jsonb NOT NULL,
    deleted          boolean NOT NULL DEFAULT false,
    deleted_at       bigint,
    event_created    bigint NOT NULL,
    event_id         text NOT NULL,
    synced_at        timestamptz NOT NULL
);
CREATE INDEX stripe_payment_intents_account ON stripe_payment_intents (account);
CREATE INDEX stripe_payment_intents_customer ON stripe_payment_intents (customer);

CREATE TABLE stripe_setup_intents (
    id              text PRIMARY KEY NOT NULL,
    object          text NOT NULL,
    account         text,
    livemode        boolean NOT NULL,
    created         bigint,
    metadata        jsonb,
    customer        text,
    status          text,
    payment_method  text,
    usage           text,
    data            jsonb NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    deleted_at      bigint,
    event_created   bigint NOT NULL,
    event_id        text NOT NULL,
    synced_at       timestamptz NOT NULL
);
CREATE INDEX stripe_setup_intents_account ON stripe_setup_intents (account);
CREATE INDEX stripe_setup_intents_customer ON stripe_setup_intents (customer);

CREATE TABLE stripe_subscriptions (
    id                      text PRIMARY KEY NOT NULL,
    object                  text NOT NULL,
    account                 text,
    livemode                boolean NOT NULL,
    created                 bigint,
    metadata                jsonb,
    customer                text,
    status                  text,
    currency                text,
    current_period_start    bigint,
    current_period_end      bigint,
    cancel_at_period_end    boolean,
    canceled_at             bigint,
    ended_at                bigint,
    trial_end               bigint,
    latest_invoice          text,
    default_payment_method  text,
    schedule                text,
    data                    jsonb NOT NULL,
    deleted                 boolean NOT NULL DEFAULT false,
    deleted_at              bigint,
    event_created           bigint NOT NULL,
    event_id                text NOT NULL,
    synced_at               timestamptz NOT NULL
);
CREATE INDEX stripe_subscriptions_account ON stripe_subscriptions (account);
CREATE INDEX stripe_subscriptions_customer ON stripe_subscriptions (customer);

CREATE TABLE stripe_subscription_schedules (
    id             text PRIMARY KEY NOT NULL,
    object         text NOT NULL,
    account        text,
    livemode       boolean NOT NULL,
    created        bigint,
    metadata       jsonb,
    customer       text,
    subscription   text,
    status         text,
    end_behavior   text,
    canceled_at    bigint,
    completed_at   bigint,
    released_at    bigint,
    data           jsonb NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    deleted_at     bigint,
    event_created  bigint NOT NULL,
    event_id       text NOT NULL,
    synced_at      timestamptz NOT NULL
);
CREATE INDEX stripe_subscription_schedules_account ON stripe_subscription_schedules (account);
CREATE INDEX stripe_subscription_schedules_customer ON stripe_subscription_schedules (customer);

CREATE TABLE stripe_invoices (
    id                text PRIMARY KEY NOT NULL,
    object            text NOT NULL,
    account           text,
    livemode          boolean NOT NULL,
    created           bigint,
    metadata          jsonb,
    customer          text,
    subscription      text,
    status            text,
    number            text,
    currency          text,
    amount_due        bigint,
    amount_paid       bigint,
    amount_remaining  bigint,
    total             bigint,
    paid              boolean,
    due_date          bigint,
    billing_reason    text,
    charge            text,
    payment_intent    text,
    data              jsonb NOT NULL,
    deleted           boolean NOT NULL DEFAULT false,
    deleted_at        bigint,
    event_created     bigint NOT NULL,
    event_id          text NOT NULL,
    synced_at         timestamptz NOT NULL
);
CREATE INDEX stripe_invoices_account ON stripe_invoices (account);
CREATE INDEX stripe_invoices_customer ON stripe_invoices (customer);

CREATE TABLE stripe_invoice_items (
    id             text PRIMARY KEY NOT NULL,
    object         text NOT NULL,
    account        text,
    livemode       boolean NOT NULL,
    created        bigint,
    metadata       jsonb,
    customer       text,
    invoice        text,
    subscription   text,
    amount         bigint,
    currency       text,
    description    text,
    price          text,
    period_start   bigint,
    period_end     bigint,
    data           jsonb NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    deleted_at     bigint,
    event_created  bigint NOT NULL,
    event_id       text NOT NULL,
    synced_at      timestamptz NOT NULL
);
CREATE INDEX stripe_invoice_items_account ON stripe_invoice_items (account);
CREATE INDEX stripe_invoice_items_customer ON stripe_invoice_items (customer);

CREATE TABLE stripe_products (
    id             text PRIMARY KEY NOT NULL,
    object         text NOT NULL,
    account        text,
    livemode       boolean NOT NULL,
    created        bigint,
    metadata       jsonb,
    name           text,
    active         boolean,
    description    text,
    type           text,
    default_price  text,
    data           jsonb NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    deleted_at     bigint,
    event_created  bigint NOT NULL,
    event_id       text NOT NULL,
    synced_at      timestamptz NOT NULL
);
CREATE INDEX stripe_products_account ON stripe_products (account);

CREATE TABLE stripe_prices (
    id                        text PRIMARY KEY NOT NULL,
    object                    text NOT NULL,
    account                   text,
    livemode                  boolean NOT NULL,
    created                   bigint,
    metadata                  jsonb,
    product                   text,
    active                    boolean,
    currency                  text,
    unit_amount               bigint,
    type                      text,
    recurring_interval        text,
    recurring_interval_count  bigint,
    lookup_key                text,
    nickname                  text,
    data                      jsonb NOT NULL,
    deleted                   boolean NOT NULL DEFAULT false,
    deleted_at                bigint,
    event_created             bigint NOT NULL,
    event_id                  text NOT NULL,
    synced_at                 timestamptz NOT NULL
);
CREATE INDEX stripe_prices_account ON stripe_prices (account);

CREATE TABLE stripe_plans (
    id              text PRIMARY KEY NOT NULL,
    object          text NOT NULL,
    account         text,
    livemode        boolean NOT NULL,
    created         bigint,
    metadata        jsonb,
    product         text,
    active          boolean,
    amount          bigint,
    currency        text,
    interval        text,
    interval_count  bigint,
    nickname        text,
    data            jsonb NOT NULL,
    deleted         boolean NOT NULL DEFAULT false,
    deleted_at      bigint,
    event_created   bigint NOT NULL,
    event_id        text NOT NULL,
    synced_at       timestamptz NOT NULL
);
CREATE INDEX stripe_plans_account ON stripe_plans (account);

CREATE TABLE stripe_coupons (
    id                  text PRIMARY KEY NOT NULL,
    object              text NOT NULL,
    account             text,
    livemode            boolean NOT NULL,
    created             bigint,
    metadata            jsonb,
    name                text,
    amount_off          bigint,
    percent_off         double precision,
    currency            text,
    duration            text,
    duration_in_months  bigint,
    valid               boolean,
    times_redeemed      bigint,
    max_redemptions     bigint,
    redeem_by           bigint,
    data                jsonb NOT NULL,
    deleted             boolean NOT NULL DEFAULT false,
    deleted_at          bigint,
    event_created       bigint NOT NULL,
    event_id            text NOT NULL,
    synced_at           timestamptz NOT NULL
);
CREATE INDEX stripe_coupons_account ON stripe_coupons (account);

CREATE TABLE stripe_promotion_codes (
    id               text PRIMARY KEY NOT NULL,
    object           text NOT NULL,
    account          text,
    livemode         boolean NOT NULL,
    created          bigint,
    metadata         jsonb,
    code             text,
    coupon           text,
    customer         text,
    active           boolean,
    times_redeemed   bigint,
    max_redemptions  bigint,
    expires_at       bigint,
    data             jsonb NOT NULL,
    deleted          boolean NOT NULL DEFAULT false,
    deleted_at       bigint,
    event_created    bigint NOT NULL,
    event_id         text NOT NULL,
    synced_at        timestamptz NOT NULL
);
CREATE INDEX stripe_promotion_codes_account ON stripe_promotion_codes (account);
CREATE INDEX stripe_promotion_codes_customer ON stripe_promotion_codes (customer);

CREATE TABLE stripe_tax_rates (
    id             text PRIMARY KEY NOT NULL,
    object         text NOT NULL,
    account        text,
    livemode       boolean NOT NULL,
    created        bigint,
    metadata       jsonb,
    display_name   text,
    percentage     double precision,
    inclusive      boolean,
    active         boolean,
    country        text,
    state          text,
    jurisdiction   text,
    tax_type       text,
    data           jsonb NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    deleted_at     bigint,
    event_created  bigint NOT NULL,
    event_id       text NOT NULL,
    synced_at      timestamptz NOT NULL
);
CREATE INDEX stripe_tax_rates_account ON stripe_tax_rates (account);

CREATE TABLE stripe_tax_ids (
    id                   text PRIMARY KEY NOT NULL,
    object               text NOT NULL,
    account              text,
    livemode             boolean NOT NULL,
    created              bigint,
    metadata             jsonb,
    customer             text,
    type                 text,
    value                text,
    country              text,
    verification_status  text,
    data                 jsonb NOT NULL,
    deleted              boolean NOT NULL DEFAULT false,
    deleted_at           bigint,
    event_created        bigint NOT NULL,
    event_id             text NOT NULL,
    synced_at            timestamptz NOT NULL
);
CREATE INDEX stripe_tax_ids_account ON stripe_tax_ids (account);
CREATE INDEX stripe_tax_ids_customer ON stripe_tax_ids (customer);

CREATE TABLE stripe_checkout_sessions (
    id                   text PRIMARY KEY NOT NULL,
    object               text NOT NULL,
    account              text,
    livemode             boolean NOT NULL,
    created              bigint,
    metadata             jsonb,
    customer             text,
    customer_email       text,
    mode                 text,
    status               text,
    payment_status       text,
    payment_intent       text,
    setup_intent         text,
    subscription         text,
    invoice              text,
    amount_total         bigint,
    currency             text,
    client_reference_id  text,
    expires_at           bigint,
    data                 jsonb NOT NULL,
    deleted              boolean NOT NULL DEFAULT false,
    deleted_at           bigint,
    event_created        bigint NOT NULL,
    event_id             text NOT NULL,
    synced_at            timestamptz NOT NULL
);
CREATE INDEX stripe_checkout_sessions_account ON stripe_checkout_sessions (account);
CREATE INDEX stripe_checkout_sessions_customer ON stripe_checkout_sessions (customer);

CREATE TABLE stripe_accounts (
    id                 text PRIMARY KEY NOT NULL,
    object             text NOT NULL,
    account            text,
    livemode           boolean NOT NULL,
    created            bigint,
    metadata           jsonb,
    type               text,
    email              text,
    country            text,
    default_currency   text,
    business_type      text,
    charges_enabled    boolean,
    payouts_enabled    boolean,
    details_submitted  boolean,
    data               jsonb NOT NULL,
    deleted            boolean NOT NULL DEFAULT false,
    deleted_at         bigint,
    event_created      bigint NOT NULL,
    event_id           text NOT NULL,
    synced_at          timestamptz NOT NULL
);
CREATE INDEX stripe_accounts_account ON stripe_accounts (account);

CREATE TABLE stripe_external_accounts (
    id                    text PRIMARY KEY NOT NULL,
    object                text NOT NULL,
    account               text,
    livemode              boolean NOT NULL,
    created               bigint,
    metadata              jsonb,
    owner_account         text,
    currency              text,
    country               text,
    last4                 text,
    bank_name             text,
    brand                 text,
    status                text,
    default_for_currency  boolean,
    data                  jsonb NOT NULL,
    deleted               boolean NOT NULL DEFAULT false,
    deleted_at            bigint,
    event_created         bigint NOT NULL,
    event_id              text NOT NULL,
    synced_at             timestamptz NOT NULL
);
CREATE INDEX stripe_external_accounts_account ON stripe_external_accounts (account);

CREATE TABLE stripe_payouts (
    id             text PRIMARY KEY NOT NULL,
    object         text NOT NULL,
    account        text,
    livemode       boolean NOT NULL,
    created        bigint,
    metadata       jsonb,
    amount         bigint,
    currency       text,
    status         text,
    arrival_date   bigint,
    method         text,
    type           text,
    destination    text,
    automatic      boolean,
    failure_code   text,
    data           jsonb NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    deleted_at     bigint,
    event_created  bigint NOT NULL,
    event_id       text NOT NULL,
    synced_at      timestamptz NOT NULL
);
CREATE INDEX stripe_payouts_account ON stripe_payouts (account);

CREATE TABLE stripe_transfers (
    id                   text PRIMARY KEY NOT NULL,
    object               text NOT NULL,
    account              text,
    livemode             boolean NOT NULL,
    created              bigint,
    metadata             jsonb,
    amount               bigint,
    amount_reversed      bigint,
    currency             text,
    destination          text,
    destination_payment  text,
    source_transaction   text,
    transfer_group       text,
    reversed             boolean,
    data                 jsonb NOT NULL,
    deleted              boolean NOT NULL DEFAULT false,
    deleted_at           bigint,
    event_created        bigint NOT NULL,
    event_id             text NOT NULL,
    synced_at            timestamptz NOT NULL
);
CREATE INDEX stripe_transfers_account ON stripe_transfers (account);

CREATE TABLE stripe_files (
    id             text PRIMARY KEY NOT NULL,
    object         text NOT NULL,
    account        text,
    livemode       boolean NOT NULL,
    created        bigint,
    metadata       jsonb,
    purpose        text,
    filename       text,
    size           bigint,
    type           text,
    url            text,
    expires_at     bigint,
    data           jsonb NOT NULL,
    deleted        boolean NOT NULL DEFAULT false,
    deleted_at     bigint,
    event_created  bigint NOT NULL,
    event_id       text NOT NULL,
    synced_at      timestamptz NOT NULL
);
CREATE INDEX stripe_files_account ON stripe_files (account);
