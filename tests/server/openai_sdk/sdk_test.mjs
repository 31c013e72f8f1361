// SPDX-License-Identifier: GPL-3.0-or-later
// node sdk_test.mjs BASE_URL KEY: the official OpenAI SDK against `deepdesk-cli serve` running the
// scripted R1-style model (reasoning "Okay", answer "Hi 4U!"). Exits non-zero on the first failure.
import OpenAI from "openai";
import assert from "node:assert/strict";

const [baseURL, apiKey, toolsURL] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: "user", content: "What do you say?" }];

const models = await client.models.list();
const model = models.data[0].id;
assert.equal(models.data.length, 1);

// Not streamed: the reasoning in reasoning_content, the answer in content, usage.
const done = await client.chat.completions.create({ model, messages, temperature: 0, max_tokens: 64 });
assert.equal(done.choices[0].message.content, "Hi 4U!");
assert.equal(done.choices[0].message.reasoning_content, "Okay");
assert.equal(done.choices[0].finish_reason, "stop");
assert.equal(done.usage.total_tokens, done.usage.prompt_tokens + done.usage.completion_tokens);

// Streamed: reasoning deltas first, then content deltas, then the finish reason.
const stream = await client.chat.completions.create({ model, messages, stream: true, seed: 7 });
let reasoning = "", content = "", finish = null, reasoningAfterContent = false;
for await (const chunk of stream) {
  const delta = chunk.choices[0]?.delta ?? {};
  if (delta.reasoning_content) {
    reasoning += delta.reasoning_content;
    reasoningAfterContent ||= content.length > 0;
  }
  if (delta.content) content += delta.content;
  if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
}
assert.equal(reasoning, "Okay");
assert.equal(content, "Hi 4U!");
assert.equal(finish, "stop");
assert.equal(reasoningAfterContent, false);

// The thinking switch and budget, in each form clients send it; reasoning tokens in usage. The
// scripted model reasons "Okay" (5 tokens with </think>); cut after 2 it answers from there on.
assert.equal(done.usage.completion_tokens_details.reasoning_tokens, 5);
const off = await client.chat.completions.create({ model, messages, temperature: 0, thinking: { type: "disabled" } });
assert.equal(off.choices[0].message.reasoning_content ?? "", "");
assert.equal(off.usage.completion_tokens_details.reasoning_tokens, 0);
const offKwargs = await client.chat.completions.create({
  model, messages, temperature: 0, chat_template_kwargs: { thinking: false },
});
assert.equal(offKwargs.usage.completion_tokens_details.reasoning_tokens, 0);
const offEffort = await client.chat.completions.create({ model, messages, temperature: 0, reasoning_effort: "none" });
assert.equal(offEffort.usage.completion_tokens_details.reasoning_tokens, 0);
const budget = await client.chat.completions.create({
  model, messages, temperature: 0, thinking: { type: "enabled", budget_tokens: 2 },
});
assert.equal(budget.choices[0].message.reasoning_content, "Ok");
assert.equal(budget.usage.completion_tokens_details.reasoning_tokens, 2);
const on = await client.chat.completions.create({ model, messages, temperature: 0, reasoning_effort: "high" });
assert.equal(on.choices[0].message.reasoning_content, "Okay");
await assert.rejects(
  client.chat.completions.create({ model, messages, reasoning_effort: "extreme" }),
  (e) => e instanceof OpenAI.BadRequestError,
);

// stop and max_tokens.
const stopped = await client.chat.completions.create({ model, messages, stop: ["4U"] });
assert.equal(stopped.choices[0].message.content, "Hi ");
const short = await client.chat.completions.create({ model, messages, max_tokens: 2 });
assert.equal(short.choices[0].finish_reason, "length");

// Text completions continue raw text; a suffix needs fill-in-the-middle tokens this model lacks.
const prompt = "<\uff5cUser\uff5c>What do you say?<\uff5cAssistant\uff5c><think>\n";
const completion = await client.completions.create({ model, prompt, max_tokens: 40, temperature: 0 });
assert.ok(completion.choices[0].text.startsWith("Okay"), completion.choices[0].text);
assert.ok(completion.choices[0].text.includes("Hi 4U!"), completion.choices[0].text);
let streamed = "";
for await (const chunk of await client.completions.create({ model, prompt, max_tokens: 40, stream: true })) {
  streamed += chunk.choices[0]?.text ?? "";
}
assert.equal(streamed, completion.choices[0].text);
await assert.rejects(
  client.completions.create({ model, prompt: "x", suffix: "y" }),
  (e) => e instanceof OpenAI.BadRequestError && /fill-in-the-middle/.test(e.message),
);

// Errors arrive as the SDK's typed errors.
await assert.rejects(
  new OpenAI({ baseURL, apiKey: "sk-wrong", maxRetries: 0 }).models.list(),
  (e) => e instanceof OpenAI.AuthenticationError && e.status === 401,
);
await assert.rejects(
  client.chat.completions.create({ model: "gpt-4o", messages }),
  (e) => e instanceof OpenAI.NotFoundError && e.code === "model_not_found",
);
await assert.rejects(
  client.chat.completions.create({ model, messages: [] }),
  (e) => e instanceof OpenAI.BadRequestError,
);
// Tool calls, from a model that answers with one: returned as tool_calls (streamed as a delta
// too), and the result accepted back as a tool message.
const toolClient = new OpenAI({ baseURL: toolsURL, apiKey, maxRetries: 0 });
const toolModel = (await toolClient.models.list()).data[0].id;
const tools = [{ type: "function", function: { name: "ping", description: "Checks a host", parameters: { type: "object", properties: {} } } }];
const called = await toolClient.chat.completions.create({ model: toolModel, messages, tools, temperature: 0 });
assert.equal(called.choices[0].finish_reason, "tool_calls");
assert.equal(called.choices[0].message.tool_calls[0].function.name, "ping");
assert.deepEqual(JSON.parse(called.choices[0].message.tool_calls[0].function.arguments), {});
let streamedCall = null, toolFinish = null;
for await (const chunk of await toolClient.chat.completions.create({ model: toolModel, messages, tools, stream: true })) {
  const delta = chunk.choices[0]?.delta ?? {};
  if (delta.tool_calls) streamedCall = delta.tool_calls[0];
  if (chunk.choices[0]?.finish_reason) toolFinish = chunk.choices[0].finish_reason;
}
assert.equal(streamedCall.function.name, "ping");
assert.equal(toolFinish, "tool_calls");
const followUp = await toolClient.chat.completions.create({
  model: toolModel,
  tools,
  messages: [...messages, called.choices[0].message,
             { role: "tool", tool_call_id: called.choices[0].message.tool_calls[0].id, content: "pong" }],
});
assert.ok(followUp.choices[0].finish_reason);

// Embeddings (the tools server also serves the tiny bag-of-bytes embedding model): listed as a
// model; the SDK's default (base64) and floats give the same unit vectors; errors are OpenAI's.
const listed = (await toolClient.models.list()).data.map((m) => m.id);
assert.ok(listed.includes("embed"), listed.join(","));
const texts = ["hello world", "hello there", "数据库"];
const byDefault = await toolClient.embeddings.create({ model: "embed", input: texts });
const asFloats = await toolClient.embeddings.create({ model: "embed", input: texts, encoding_format: "float" });
assert.equal(byDefault.data.length, 3);
assert.equal(byDefault.model, "embed");
assert.ok(byDefault.usage.prompt_tokens >= 11 + 11 + 9);  // bytes, with BOS and EOS
const dot = (a, b) => a.reduce((s, x, i) => s + x * b[i], 0);
for (let i = 0; i < 3; ++i) {
  assert.equal(byDefault.data[i].index, i);
  assert.equal(byDefault.data[i].embedding.length, 64);
  for (let j = 0; j < 64; ++j) assert.ok(Math.abs(byDefault.data[i].embedding[j] - asFloats.data[i].embedding[j]) < 1e-6);
  assert.ok(Math.abs(dot(asFloats.data[i].embedding, asFloats.data[i].embedding) - 1) < 1e-4);
}
const [hello, there, db] = asFloats.data.map((d) => d.embedding);
assert.ok(dot(hello, there) > dot(hello, db));
const single = await toolClient.embeddings.create({ model: "embed", input: "hello world", encoding_format: "float" });
assert.ok(Math.abs(dot(single.data[0].embedding, hello) - 1) < 1e-5);
await assert.rejects(toolClient.embeddings.create({ model: "embed", input: [[1, 2, 3]] }), (e) => e.status === 400);
await assert.rejects(client.embeddings.create({ model, input: "x" }), (e) => e.status === 404);

console.log(
  "openai SDK: models, chat (streamed and not, with reasoning_content), thinking on/off/budget, tool calls, completions, stop, length, errors and embeddings behave",
);
