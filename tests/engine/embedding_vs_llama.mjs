// SPDX-License-Identifier: GPL-3.0-or-later
// The current llama.cpp's embeddings of texts (node-llama-cpp, a measuring instrument only):
// node embedding_vs_llama.mjs NODE_LLAMA_CPP_DIR MODEL TEXT... prints a JSON array of vectors.
const [dir, modelPath, ...texts] = process.argv.slice(2);
const {getLlama} = await import(`${dir}/node_modules/node-llama-cpp/dist/index.js`);
const llama = await getLlama({gpu: false, logLevel: "error"});
const model = await llama.loadModel({modelPath});
const context = await model.createEmbeddingContext({threads: 2});
const vectors = [];
for (const text of texts) {
    vectors.push(Array.from((await context.getEmbeddingFor(text)).vector));
}
console.log(JSON.stringify(vectors));
