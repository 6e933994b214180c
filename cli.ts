/**
 * The `modelship` command (bin/modelship.js runs the built copy): `simulate` is the what-if simulator in simulate/,
 * which resolves specs with the components' own code; everything else is `plan`, in sdk/plan. Kept apart so that
 * sdk/ never imports a component.
 */
import { main as planMain, type CliIo } from "./sdk/plan/cli";

/** Runs the CLI with `argv` (without node and the script) and resolves to the exit code. Never throws. */
export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
    if (argv[0] === "simulate") {
        const { simulateMain } = await import("./simulate/cli");
        return simulateMain(argv.slice(1), io);
    }
    return planMain(argv, io);
}
