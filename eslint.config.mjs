import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config({ ignores: ["node_modules/**", "dist/**", "**/node_modules/**", "**/bin/**", ".plan-out/**"] }, js.configs.recommended, ...tseslint.configs.recommended, {
    rules: {
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        "@typescript-eslint/no-explicit-any": "error",
        "no-console": "off",
        eqeqeq: ["error", "always"],
    },
});
