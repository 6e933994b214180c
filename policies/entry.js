/* global require, __dirname */
/**
 * The policy pack's entry for the Pulumi Node.js runtime (policies/package.json "main"). From the repository it runs
 * the TypeScript source (the runtime compiles it with ts-node); from an installed package (under node_modules, which
 * ts-node does not compile) it runs the compiled pack in dist/. Either way, index constructs the PolicyPack.
 */
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports */
const path = require("node:path");

const installed = __dirname.split(path.sep).includes("node_modules");
require(installed ? path.join(__dirname, "..", "dist", "policies", "index.js") : "./index.ts");
