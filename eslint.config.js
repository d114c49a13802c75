// Lint rules the code obeys. `npm run lint` runs them type-aware; `npm test` runs lint before the tests.
// A disable comment must name its rule and say why on the same line.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const productionCode = ['src/**/*.ts', 'schema/**/*.ts', 'models/**/*.ts', 'jobs/**/*.ts'];
const toolingCode = ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', '*.config.ts'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.data/', 'coverage/', 'test/artifacts/', 'src/web/graphql-env.d.ts'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // An async method is how a Promise-returning interface is implemented without await; not a smell.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: productionCode,
    rules: { '@typescript-eslint/no-non-null-assertion': 'error' },
  },
  {
    // Tests, benches and scripts read JSON answers of the API and assert presence by failing loudly:
    // `any` from JSON and `!` after an expectation are the point there, not a hole in the types.
    files: toolingCode,
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  // Vite loads its config itself; neither tsconfig includes it, so it is linted without types.
  { files: ['src/web/vite.config.ts'], ...tseslint.configs.disableTypeChecked },
);
