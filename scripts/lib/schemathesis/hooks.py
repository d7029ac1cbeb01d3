"""Schemathesis hooks for scripts/lib/schemathesis.sh (SCHEMATHESIS_HOOKS).

An Idempotency-Key remembers the body it was first sent with: the same key
with another body is 422 idempotency_key_reused, by design (api-tests cover
it). Generated cases reuse the document's example key, so each valid key is
made unique per request; an invalid one (the negative cases) is sent as
generated, to be refused.
"""
import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"[!-~]{1,255}")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and isinstance(headers[name], str) \
                and VALID_KEY.fullmatch(headers[name]):
            headers[name] = f"st-{uuid.uuid4()}"
