#!/usr/bin/env python3
"""Writes N distinct, realistic `charge.succeeded` events (~3 KB each), signed now exactly as
Stripe signs them, one per line as `<Stripe-Signature header>\t<compact JSON body>`, for
bench/wrk-signed.lua.

Usage: gen_events.py N SECRET OUT_FILE
"""
import hashlib
import hmac
import json
import sys
import time


def charge_event(i: int, now: int) -> dict:
    charge_id = f"ch_3Bench{i:012d}"
    return {
        "id": f"evt_3Bench{i:012d}{now % 100000:05d}",
        "object": "event",
        "api_version": "2024-06-20",
        "created": now,
        "data": {
            "object": {
                "id": charge_id,
                "object": "charge",
                "amount": 1000 + i % 9000,
                "amount_captured": 1000 + i % 9000,
                "amount_refunded": 0,
                "balance_transaction": f"txn_3Bench{i:012d}",
                "billing_details": {
                    "address": {"city": "Berlin", "country": "DE", "line1": "Example Str. 1",
                                "line2": None, "postal_code": "10115", "state": None},
                    "email": f"customer{i}@example.com",
                    "name": f"Customer {i}",
                    "phone": None,
                },
                "calculated_statement_descriptor": "EXAMPLE SHOP",
                "captured": True,
                "created": now,
                "currency": "eur",
                "customer": f"cus_Bench{i % 5000:08d}",
                "description": f"Order #{i} — Café ☕",
                "disputed": False,
                "failure_code": None,
                "failure_message": None,
                "fraud_details": {},
                "livemode": False,
                "metadata": {"order_id": str(i), "channel": "web", "campaign": "winter"},
                "outcome": {
                    "network_status": "approved_by_network", "reason": None,
                    "risk_level": "normal", "risk_score": i % 100,
                    "seller_message": "Payment complete.", "type": "authorized",
                },
                "paid": True,
                "payment_intent": f"pi_3Bench{i:012d}",
                "payment_method": f"pm_1Bench{i:012d}",
                "payment_method_details": {
                    "card": {
                        "amount_authorized": 1000 + i % 9000, "brand": "visa",
                        "checks": {"address_line1_check": "pass", "address_postal_code_check": "pass",
                                   "cvc_check": "pass"},
                        "country": "DE", "exp_month": 12, "exp_year": 2030,
                        "extended_authorization": {"status": "disabled"},
                        "fingerprint": "BenchFingerprint01", "funding": "credit",
                        "incremental_authorization": {"status": "unavailable"},
                        "installments": None, "last4": "4242",
                        "multicapture": {"status": "unavailable"}, "network": "visa",
                        "network_token": {"used": False},
                        "overcapture": {"maximum_amount_capturable": 1000 + i % 9000,
                                        "status": "unavailable"},
                        "three_d_secure": None, "wallet": None,
                    },
                    "type": "card",
                },
                "radar_options": {},
                "receipt_email": f"customer{i}@example.com",
                "receipt_number": None,
                "receipt_url": f"https://pay.stripe.com/receipts/payment/Bench{i:012d}",
                "refunded": False,
                "refunds": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                            "url": f"/v1/charges/{charge_id}/refunds"},
                "review": None,
                "shipping": None,
                "source": None,
                "source_transfer": None,
                "statement_descriptor": None,
                "statement_descriptor_suffix": None,
                "status": "succeeded",
                "transfer_data": None,
                "transfer_group": None,
            }
        },
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": f"req_Bench{i:012d}", "idempotency_key": f"bench-{i}"},
        "type": "charge.succeeded",
    }


def main() -> None:
    n, secret, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    now = int(time.time())
    key = secret.encode()
    total = 0
    with open(out, "w", encoding="utf-8") as f:
        for i in range(n):
            body = json.dumps(charge_event(i, now), separators=(",", ":"), ensure_ascii=False)
            raw = body.encode()
            sig = hmac.new(key, f"{now}.".encode() + raw, hashlib.sha256).hexdigest()
            f.write(f"t={now},v1={sig}\t{body}\n")
            total += len(raw)
    print(f"{n} events, {total / n:.0f} bytes each on average, signed at t={now}", file=sys.stderr)


if __name__ == "__main__":
    main()
