"""The official Anthropic Python SDK, unmodified, against a running Sluice gateway.

Run by crates/sluice/tests/cli/sdk.rs with SLUICE_GATEWAY_ROOT (no /v1) and SLUICE_KEY set.
Exits non-zero with a message on the first failed expectation.
"""
import os
import sys

import anthropic

ROOT = os.environ["SLUICE_GATEWAY_ROOT"]
KEY = os.environ["SLUICE_KEY"]
client = anthropic.Anthropic(base_url=ROOT, api_key=KEY, max_retries=0)


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


# Messages, JSON: a demo model (OpenAI-dialect provider) answered through translation.
message = client.messages.create(
    model="demo-small",
    max_tokens=64,
    system="You are terse.",
    messages=[{"role": "user", "content": "Say hello"}],
)
check(message.type == "message" and message.role == "assistant", f"{message.type} {message.role}")
check(message.content[0].type == "text" and "hello" in message.content[0].text.lower(), "a text block echoing the topic")
check(message.stop_reason in ("end_turn", "max_tokens"), f"stop_reason {message.stop_reason}")
check(message.usage.input_tokens > 0 and message.usage.output_tokens > 0, f"usage {message.usage}")

# Messages, streaming through the SDK's event parser.
with client.messages.stream(model="demo-frontier", max_tokens=64, messages=[{"role": "user", "content": "Stream please"}]) as stream:
    text = "".join(stream.text_stream)
    final = stream.get_final_message()
check("Stream" in text, f"streamed text {text!r}")
check(final.usage.output_tokens > 0, f"final usage {final.usage}")

# The key as a bearer token works too (what some clients send).
bearer = anthropic.Anthropic(base_url=ROOT, auth_token=KEY, max_retries=0)
check(bearer.messages.create(model="demo-small", max_tokens=16, messages=[{"role": "user", "content": "hi"}]).content, "bearer auth")

# Typed errors.
try:
    anthropic.Anthropic(base_url=ROOT, api_key="not-a-sluice-key", max_retries=0).messages.create(
        model="demo-small", max_tokens=8, messages=[{"role": "user", "content": "x"}]
    )
    check(False, "a bad key is refused")
except anthropic.AuthenticationError as err:
    check(err.status_code == 401, "401")
try:
    client.messages.create(model="no-such-model", max_tokens=8, messages=[{"role": "user", "content": "x"}])
    check(False, "an unknown model is refused")
except anthropic.NotFoundError as err:
    check(err.status_code == 404, "404")

limited = anthropic.Anthropic(base_url=ROOT, api_key=os.environ["SLUICE_LIMITED_KEY"], max_retries=0)
limited.messages.create(model="demo-small", max_tokens=8, messages=[{"role": "user", "content": "first"}])
try:
    limited.messages.create(model="demo-small", max_tokens=8, messages=[{"role": "user", "content": "second"}])
    check(False, "the second request is rate limited")
except anthropic.RateLimitError as err:
    check(err.status_code == 429, "429")

print("anthropic sdk: all checks passed")
