#!/usr/bin/env node
/**
 * The `modelship` command. The CLI is compiled TypeScript in dist/ (built by `npm run build`, and by
 * `npm install`/`npm ci` through the `prepare` script).
 */
"use strict";
const path = require("node:path");

const cli = path.join(__dirname, "..", "dist", "cli.js");
let main;
try {
    ({ main } = require(cli));
} catch (error) {
    if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes(cli)) {
        process.stderr.write(`error: ${cli} is missing: run "npm run build" in ${path.join(__dirname, "..")} first.\n`);
        process.exit(2);
    }
    throw error;
}
main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
});
