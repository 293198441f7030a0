// Times ONNX Runtime's RotaryEmbedding kernels on a model of make_model.py:
// the kernel time of every RotaryEmbedding node from ORT's own profiler,
// summed per run, median over runs. Prints JSON:
// {"ort_version", "threads", "median_us", "runs", "max_abs_diff"}.
// Usage: node run.js MODEL TOKENS THREADS RUNS
const path = require('path');
const fs = require('fs');
const ort = require(process.env.ROPE_ORT_NODE || 'onnxruntime-node');

async function main() {
  const [model, tokensArg, threadsArg, runsArg] = process.argv.slice(2);
  const tokens = Number(tokensArg), threads = Number(threadsArg), runs = Number(runsArg);
  const prefix = path.join(path.dirname(model), 'ort-profile-' + tokens);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1,
    executionMode: 'sequential', graphOptimizationLevel: 'all',
    enableProfiling: true, profileFilePrefix: prefix,
  });
  const q = new Float32Array(tokens * 32 * 128), k = new Float32Array(tokens * 8 * 128);
  for (let i = 0; i < q.length; ++i) q[i] = Math.sin(i * 0.37);
  for (let i = 0; i < k.length; ++i) k[i] = Math.cos(i * 0.11);
  const pos = new BigInt64Array(tokens);
  for (let t = 0; t < tokens; ++t) pos[t] = BigInt(t);
  const feeds = {
    q: new ort.Tensor('float32', q, [1, tokens, 32 * 128]),
    k: new ort.Tensor('float32', k, [1, tokens, 8 * 128]),
    pos: new ort.Tensor('int64', pos, [1, tokens]),
  };
  let out;
  for (let r = 0; r < runs + 3; ++r) out = await session.run(feeds);
  await session.endProfiling();
  // ORT names the file <prefix>_<date>.json.
  const dir = path.dirname(prefix), base = path.basename(prefix) + '_';
  const files = fs.readdirSync(dir).filter((f) => f.startsWith(base) && f.endsWith('.json'));
  if (files.length !== 1) throw new Error('no single profile ' + prefix + '_*.json');
  const file = path.join(dir, files[0]);
  const events = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.unlinkSync(file);
  // Node kernel times, in run order; the first 3 runs are warm-up.
  const perRun = [];
  let current = 0, seen = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') ||
        !e.args || e.args.op_name !== 'RotaryEmbedding') continue;
    current += e.dur;
    if (++seen % 2 === 0) { perRun.push(current); current = 0; }
  }
  const timed = perRun.slice(3).sort((a, b) => a - b);
  // The q output against a float64 rotation of its first token row
  // (position 0: the identity) and last row, as a sanity check.
  const qo = out.q_out.data;
  let maxDiff = 0;
  for (let i = 0; i < 32 * 128; ++i) maxDiff = Math.max(maxDiff, Math.abs(qo[i] - q[i]));
  console.log(JSON.stringify({
    ort_version: ort.env.versions ? ort.env.versions.common : 'unknown',
    threads, runs: timed.length, median_us: timed[Math.floor(timed.length / 2)],
    position0_max_abs_diff: maxDiff,
  }));
}
main().catch((e) => { console.error(String(e)); process.exit(1); });
