// ESLint (flat config): typescript-eslint's type-checked recommended rules over the TypeScript
// sources and tests, the recommended JS rules over scripts and examples. Formatting is Prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'build-*/', 'coverage/', 'docs/api/', 'node_modules/', 'test/fixtures/', 'bench/results/'] },
  js.configs.recommended,
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['tsup.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Error messages print shapes and sizes as `[${shape}]` (1,2,3): arrays of numbers read well
      // there; `never` appears in exhaustiveness checks that report the impossible value.
      // Hooks and interface methods name the arguments they are given even when an implementation ignores them.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true, allowNullish: true, allowArray: true, allowNever: true },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests build async iterables and async callbacks without awaits on purpose, to drive the async paths.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
