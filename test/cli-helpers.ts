/**
 * What the plan tests share: temporary program folders (removed after the file's tests) and the `modelship` CLI run
 * from source in a child process, from the repository root.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";
import { main } from "../cli";

const root = path.resolve(__dirname, "..");

/** A `tmpDir(files)` for one test file: each call makes a fresh folder holding `files`; all are removed after the file's tests. */
export function temporaryFolders(prefix: string): (files?: Record<string, string>) => string {
    const dirs: string[] = [];
    afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
    return (files = {}) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        dirs.push(dir);
        for (const [file, text] of Object.entries(files)) {
            fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
            fs.writeFileSync(path.join(dir, file), text);
        }
        return dir;
    };
}

/** Runs the CLI from source in a child process, from the repository root. */
export function cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [path.join(root, "test/fixtures/cli-from-source.js"), ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, MODELSHIP_POLICY_MODULE: "", ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the `modelship` CLI in this process (faster than a child process; its output captured). */
export async function cliInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const code = await main(args, { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } });
    return { code, stdout, stderr };
}
