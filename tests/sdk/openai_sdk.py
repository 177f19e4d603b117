"""The official OpenAI Python SDK, unmodified, against a running Sluice gateway.

Run by crates/sluice/tests/cli/sdk.rs with SLUICE_GATEWAY_URL (…/v1) and SLUICE_KEY set.
Exits non-zero with a message on the first failed expectation.
"""
import os
import sys

import openai
from openai import OpenAI

BASE_URL = os.environ["SLUICE_GATEWAY_URL"]
KEY = os.environ["SLUICE_KEY"]
client = OpenAI(base_url=BASE_URL, api_key=KEY, max_retries=0)


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}", file=sys.stderr)
        sys.exit(1)


# Chat, JSON.
reply = client.chat.completions.create(model="demo-small", messages=[{"role": "user", "content": "Say hello"}])
check(reply.object == "chat.completion", f"object {reply.object}")
check("hello" in reply.choices[0].message.content.lower(), "the reply echoes the topic")
check(reply.usage.prompt_tokens > 0 and reply.usage.completion_tokens > 0, f"usage {reply.usage}")

# Chat, streaming, with the usage chunk requested.
chunks = list(
    client.chat.completions.create(
        model="demo-frontier",
        messages=[{"role": "user", "content": "Stream please"}],
        stream=True,
        stream_options={"include_usage": True},
    )
)
text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
check(len(chunks) > 3 and "Stream" in text, f"{len(chunks)} chunks: {text!r}")
check(chunks[-1].usage is not None and chunks[-1].usage.completion_tokens > 0, "the last chunk carries usage")

# Embeddings and models.
vectors = client.embeddings.create(model="demo-embed", input=["first", "second"])
check(len(vectors.data) == 2 and len(vectors.data[0].embedding) > 0, "two embeddings")
ids = [m.id for m in client.models.list()]
check("demo-small" in ids and "demo-embed" in ids, f"models {ids}")

# Typed errors.
try:
    OpenAI(base_url=BASE_URL, api_key="sk-not-a-sluice-key", max_retries=0).models.list()
    check(False, "a bad key is refused")
except openai.AuthenticationError as err:
    check(err.status_code == 401, "401")
try:
    client.chat.completions.create(model="no-such-model", messages=[{"role": "user", "content": "x"}])
    check(False, "an unknown model is refused")
except openai.NotFoundError as err:
    check(err.status_code == 404 and err.code == "model_not_found", f"404 {err.code}")
try:
    client.chat.completions.create(model="demo-small", messages=[{"role": "user", "content": "x"}], extra_body={"api_base": "http://evil"})
    check(False, "api_base is refused")
except openai.BadRequestError as err:
    check(err.status_code == 400, "400")

# Rate limited: the key used for this part has rpm 6 (one at a time, then one per 10 s).
limited = OpenAI(base_url=BASE_URL, api_key=os.environ["SLUICE_LIMITED_KEY"], max_retries=0)
limited.chat.completions.create(model="demo-small", messages=[{"role": "user", "content": "first"}])
try:
    limited.chat.completions.create(model="demo-small", messages=[{"role": "user", "content": "second"}])
    check(False, "the second request is rate limited")
except openai.RateLimitError as err:
    check(err.status_code == 429 and int(err.response.headers["retry-after"]) >= 1, "429 with Retry-After")

print("openai sdk: all checks passed")
