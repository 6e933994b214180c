/**
 * Tensor parallelism: a replica with several GPUs shards its model over all of them, so the GPUs it pays for are
 * used. The preset adds the runtime's argument (vLLM `--tensor-parallel-size N`, TGI `--num-shard N`: the
 * `tensorParallel` entry of sdk/catalog/runtimes) unless the user already set it, in `args` or through the server's
 * own environment variable. SageMaker's containers take it as an environment variable instead
 * (targets/aws/sagemaker-model.ts, the runtime table's `sagemaker.gpusEnv`). Triton and TorchServe have no such
 * argument: the table's `multiGpu` says how they use several GPUs.
 */
import * as pulumi from "@pulumi/pulumi";
import { runtimeEntry, ServingRuntime } from "../../sdk/catalog/runtimes";

/** True when `arg` is `flag`, `flag=value`, or the same with underscores (vLLM reads `--tensor_parallel_size` too). */
function setsFlag(arg: pulumi.Input<string>, flag: string): boolean {
    if (typeof arg !== "string") return false;
    const name = arg.split("=")[0].replace(/_/g, "-");
    return name === flag;
}

/** The arguments that shard a replica's model over its `gpus` GPUs; none for one GPU, or when the user set it already. */
export function tensorParallelArgs(runtime: ServingRuntime, gpus: number, userArgs: readonly pulumi.Input<string>[], env: Readonly<Record<string, unknown>>): string[] {
    const parallel = runtimeEntry(runtime).tensorParallel;
    if (parallel === undefined || gpus <= 1) return [];
    if (userArgs.some((arg) => parallel.flags.some((flag) => setsFlag(arg, flag)))) return [];
    if (parallel.env !== undefined && env[parallel.env] !== undefined) return [];
    return parallel.args(gpus);
}
