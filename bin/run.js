#!/bin/sh
':' //; case "$1" in template|version) case " $* " in *://*) ;; *) unset NODE_EXTRA_CA_CERTS ;; esac ;; esac
':' //; exec node "$0" "$@"
// The `rel` executable. The two lines above are for /bin/sh (to JavaScript they are a string and a
// comment): for `rel template` and `rel version`, which open no TLS connection (unless an argument
// is a URL), they drop NODE_EXTRA_CA_CERTS, because Node 20 reads that certificate file before
// running any JavaScript (tens of ms; helm reads certificates only when it needs them); then they
// start Node on this file. `node bin/run.js …` skips them and works the same, only slower.
//
// CommonJS (bin/package.json): Node starts a CommonJS entry a few ms sooner than an ES module.
// `rel template …` and `rel version` take a fast path that does not load oclif (start-up matters
// for them: see bench/template.mjs); everything else, help included, goes through the compiled
// oclif commands in dist/. `rel template` first asks the render server of this build (src/fast/
// server.ts: a background process that keeps the engine loaded and warm) and renders in-process
// when there is none, starting one for the next run. REL_RENDER_SERVER=0 never uses a server;
// REL_NO_FAST=1 forces oclif; REL_FAST_REQUIRED=1 and REL_RENDER_SERVER=require (tests) make it an
// error when the fast path or the server should but cannot run.
'use strict';
const { join } = require('node:path');

const argv = process.argv.slice(2);
const cmd = argv[0];
const dist = join(__dirname, '../dist');
const fastDir = join(dist, 'fast');
const bundleFile = join(fastDir, 'template.cjs');
const templateJs = join(dist, 'commands/template.js');
const eligible =
  !process.env.REL_NO_FAST &&
  ((cmd === 'version' && argv.length === 1) || (cmd === 'template' && !argv.includes('--help') && !argv.includes('-h')));

/** This process is a render server that bin/run.js started (src/fast/client.ts startServer). */
async function server() {
  const socket = process.env.REL_RENDER_SERVER_SOCKET;
  const startMarker = process.env.REL_RENDER_SERVER_MARKER;
  let warmup;
  try {
    warmup = process.env.REL_RENDER_SERVER_WARMUP ? JSON.parse(process.env.REL_RENDER_SERVER_WARMUP) : undefined;
  } catch {
    warmup = undefined;
  }
  delete process.env.REL_RENDER_SERVER_SOCKET;
  delete process.env.REL_RENDER_SERVER_MARKER;
  delete process.env.REL_RENDER_SERVER_WARMUP;
  const { loadBundle } = require(join(fastDir, 'load.cjs'));
  const bundle = loadBundle(fastDir, templateJs);
  if (!bundle) process.exit(1);
  await bundle.mod.serveMain({ socket, bundleFile, warmup, startMarker });
  process.exit(0);
}

function requireFailed(what) {
  process.stderr.write(`rel: ${what}\n`);
  process.exit(70);
}

/**
 * `rel template`: through the render server when one runs, else dist/fast/template.cjs
 * (scripts/build-fast.mjs) through the CommonJS build of src/fast/load.ts, used only when newer
 * than the command whose flags it copies. Resolves to false when the fast path cannot run.
 */
async function fast() {
  if (cmd === 'version') {
    let mod;
    try {
      mod = await import('../dist/version.js');
    } catch {
      return false;
    }
    const v = mod.versionInfo();
    process.stdout.write(`rel ${v.version} (helm-compatible ${v.helmVersion}, kube ${v.kubeVersion}, node ${process.version})\n`);
    return true;
  }
  let client;
  let plan;
  let answer;
  try {
    client = require(join(fastDir, 'client.cjs'));
    plan = client.planServer(argv.slice(1), bundleFile, templateJs);
  } catch {
    plan = undefined;
  }
  if (plan) {
    answer = await client.askServer(plan);
    if (answer.kind === 'done') {
      process.exitCode = answer.code;
      return true;
    }
    if (answer.kind === 'decline') return false;
  }
  if ((client ? client.serverMode() : process.env.REL_RENDER_SERVER) === 'require') requireFailed(`the render server did not render this command (${plan ? answer.kind : 'not usable here'})`);
  let loadBundle;
  try {
    ({ loadBundle } = require(join(fastDir, 'load.cjs')));
  } catch {
    return false;
  }
  const bundle = loadBundle(fastDir, templateJs);
  if (!bundle) return false;
  const code = await bundle.mod.main(argv.slice(1));
  if (code === null) return false;
  process.exitCode = code;
  bundle.saveCache();
  if (plan && answer.kind === 'missing') client.startServer(__filename, plan);
  return true;
}

async function oclif() {
  if (eligible && process.env.REL_FAST_REQUIRED) requireFailed('the fast path could not run (stale or missing dist/fast/template.cjs: run `node scripts/build-fast.mjs`)');
  const { execute } = await import('@oclif/core');
  // The package root (its package.json holds the oclif configuration).
  await execute({ dir: join(__dirname, '..') });
}

if (process.env.REL_RENDER_SERVER_SOCKET) void server();
else (eligible ? fast() : Promise.resolve(false)).then((done) => (done ? undefined : oclif()));
