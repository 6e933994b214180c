/**
 * Hard bounds on the sizes components accept: a value past them is a typo (an extra zero, cents for dollars), not a
 * deployment, so it is an argument error. They sit far above what any real service asks for; the policy pack's caps
 * (`gpu-quota`, `stack-budget`, docs/policies.md) are the bounds a team tunes, well below these.
 */

/** Most replicas (pods, instances, concurrent executions) of one service or autoscaler. */
export const MAX_REPLICAS = 10_000;

/**
 * Most nodes of one GPU pool: Kubernetes' largest supported cluster (5,000 nodes, "Considerations for large clusters"
 * in the Kubernetes documentation).
 */
export const MAX_POOL_NODES = 5_000;

/** Most USD a month one autoscaling budget (`budget.maxMonthlyUsd`) may name: $10 million, $120 million a year. */
export const MAX_BUDGET_MONTHLY_USD = 10_000_000;
