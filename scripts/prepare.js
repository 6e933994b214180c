/* global require, process, __dirname */
/**
 * npm's `prepare` script: compiles the package into dist/. npm runs it on `npm ci` and `npm install` in the
 * repository, on `npm pack`, and when a program installs modelship from a git URL or a folder.
 *
 * From a git URL npm clones the repository, installs its dependencies there and runs this: the compiler is at hand.
 * From a folder (`npm install ../modelship`) npm only links the folder into the program's node_modules and installs
 * none of its dependencies: in a fresh clone neither the compiler nor, later, the package's own imports (zod, yaml,
 * @pulumi/pulumi, which Node resolves from the folder's real path) would be found. Then this first installs the
 * folder's dependencies from its lockfile (`npm ci`), as a developer would, and builds.
 */
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports */
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));

/** The packages the build and the compiled code import that Node cannot find from the package's folder. */
function missingDependencies() {
    const needed = ["typescript", "@types/node", ...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
    return [...new Set(needed)].filter((name) => {
        try {
            require.resolve(`${name}/package.json`, { paths: [root] });
            return false;
        } catch {
            return true;
        }
    });
}

function run(command, args, what) {
    const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env: npmEnvironment() });
    if (result.error) throw result.error;
    if (result.status !== 0) {
        process.stderr.write(`modelship prepare: ${what} failed (exit ${result.status ?? result.signal})\n`);
        process.exit(result.status ?? 1);
    }
}

/**
 * The environment of this script less what would point a nested npm at the installing program rather than at
 * this folder: npm passes its config down as npm_config_* variables, including the program's own folder.
 */
function npmEnvironment() {
    const env = { ...process.env };
    for (const key of ["npm_config_local_prefix", "npm_config_prefix", "npm_config_global", "npm_config_location", "npm_config_omit"]) delete env[key];
    return env;
}

const missing = missingDependencies();
if (missing.length > 0) {
    process.stderr.write(`modelship prepare: ${root} has no ${missing.join(", ")}: installing its dependencies (npm ci)\n`);
    // npm sets npm_execpath for lifecycle scripts; run that npm with this Node.js, else the npm on PATH.
    const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ["npm", []];
    // --ignore-scripts: this script is the package's own prepare, which must not run again inside itself.
    run(npm[0], [...npm[1], "ci", "--prefix", root, "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"], "npm ci");
}
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
run(process.execPath, [tsc, "-b", path.join(root, "tsconfig.build.json")], "the TypeScript build (tsc -b tsconfig.build.json)");
