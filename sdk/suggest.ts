/**
 * "Did you mean" for misspelt field names and enum values: the close candidates of a received word.
 *
 * Close means, in this order: the same word but for case (`L4` for `l4`); the first part of a word made of parts
 * (`a100` for `a100-40gb` and `a100-80gb`, `aws` for `aws-lambda`); or few edits relative to the words' length, at most
 * a third of the longer word's letters, after case is ignored (`acclerator` for `accelerator`, `a10` for `a10g`,
 * `memory` for `memoryGiB`). Short words get no suggestion for a different letter (`t5` is not `t4`), and nothing is
 * suggested when no candidate is close.
 */

/**
 * The edit distance of two strings: the fewest insertions, deletions, substitutions and swaps of two adjacent
 * characters that turn one into the other (optimal string alignment, each edit counting 1).
 */
export function editDistance(a: string, b: string): number {
    // rows[i][j]: distance of a's first i characters to b's first j.
    const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) rows[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const substitution = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + substitution);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
    }
    return rows[a.length][b.length];
}

/** Most edits a candidate may be away from the received word: a third of the longer one's length. */
function allowedEdits(received: string, candidate: string): number {
    return Math.floor(Math.max(received.length, candidate.length) / 3);
}

/** A candidate word, and what to suggest when the received word is close to it (itself, unless given). */
export interface Candidate {
    /** The word the received one is compared with, for example an enum member's TypeScript name (`AwsSageMaker`). */
    word: string;
    /** What to suggest for it, for example the member's value (`aws-sagemaker`). Defaults to `word`. */
    suggest?: string;
}

/** True when `word` begins with `start` followed by a separator (`a100` in `a100-40gb`, not `l4` in `l40s`). */
function startsPart(word: string, start: string): boolean {
    return start.length >= 2 && word.length > start.length && word.startsWith(start) && /[^a-z0-9]/.test(word[start.length]);
}

/**
 * The candidates closest to `received`, in the order given and without repeats: those equal to it but for case if
 * any, else those it is the first part of, else those fewest edits away within the allowed edits; none when no
 * candidate is close.
 */
export function closestMatches(received: string, candidates: ReadonlyArray<string | Candidate>): string[] {
    const all = candidates.map((c) => (typeof c === "string" ? { word: c, suggest: c } : { word: c.word, suggest: c.suggest ?? c.word }));
    const wanted = received.toLowerCase();
    const sameButCase = all.filter((c) => c.word.toLowerCase() === wanted);
    if (sameButCase.length > 0) return [...new Set(sameButCase.map((c) => c.suggest))];
    const extended = all.filter((c) => startsPart(c.word.toLowerCase(), wanted));
    if (extended.length > 0) return [...new Set(extended.map((c) => c.suggest))];
    const scored = all.map((c) => ({ ...c, edits: editDistance(wanted, c.word.toLowerCase()) })).filter((c) => c.edits <= allowedEdits(received, c.word));
    const fewest = Math.min(...scored.map((c) => c.edits));
    return [...new Set(scored.filter((c) => c.edits === fewest).map((c) => c.suggest))];
}

/** `did you mean "a"?`, `did you mean "a" or "b"?`, or undefined when there is nothing to suggest. */
export function didYouMean(suggestions: ReadonlyArray<string>): string | undefined {
    if (suggestions.length === 0) return undefined;
    const quoted = suggestions.map((s) => JSON.stringify(s));
    const words = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}`;
    return `did you mean ${words}?`;
}
