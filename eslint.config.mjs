// Lint for what matters in this codebase: forgotten promises (in a workflow, a bug), import cycles, type-only
// imports, and the arrows between rooms (ARCHITECTURE.md), which test/unit/boundaries.test.ts also holds.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'dns',
  'child_process',
  'url',
  'util',
  'stream',
  'events',
];

const NOT_THE_CLI = {
  group: ['**/cli', '**/cli/*'],
  message: 'Nothing imports the CLI: it is the entry point (src/cli).',
};
const NOT_THE_SERVER = { group: ['**/server/*'], message: 'Only the CLI (src/cli) uses the server room.' };

function dslPatterns(outside) {
  return [
    {
      group: ['@temporalio/*'],
      message: 'src/dsl is pure: no Temporal runtime (it runs in the sandbox and in the client alike).',
    },
    { group: NODE_BUILTINS, message: 'src/dsl is pure: no Node modules.' },
    { group: [outside], message: 'src/dsl imports only its own modules.' },
  ];
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.weft/**',
      'coverage/**',
      'schema/**',
      'examples/**/dist/**',
      'bin/**',
      'scripts/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: { 'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js'] })] },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    // The console runs in the browser and talks to Weft only over the HTTP API: of the package's source it
    // may import types (the API's shapes), never code.
    files: ['console/src/**/*.ts', 'console/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'The console runs in the browser: no Node modules.' },
            {
              group: ['../../src/*', '../../../src/*'],
              message: 'The console uses the HTTP API; it imports only types from src/.',
              allowTypeImports: true,
            },
            { group: ['@temporalio/*'], message: 'The console uses the HTTP API, not Temporal.' },
          ],
        },
      ],
    },
  },
  {
    // The pure core: nothing of Temporal, Node or the other rooms.
    files: ['src/dsl/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: dslPatterns('../*') }] },
  },
  {
    files: ['src/dsl/*/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: dslPatterns('../../*') }] },
  },
  {
    // Workflow code: only the workflow SDK and the pure core (type-only imports of the rest are erased).
    files: ['src/workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'Workflow code runs in the sandbox: no Node modules.' },
            {
              group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'],
              message: 'Workflow code imports only @temporalio/workflow (and common).',
              allowTypeImports: true,
            },
            {
              group: ['**/activities/*', '**/client/*', '**/worker/*', '**/server/*', '**/codec/*'],
              message: 'Workflow code imports only src/workflows and src/dsl.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The wire protocol: names and message shapes both sides import; the SDK's definitions and the pure core only.
    files: ['src/protocol/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_BUILTINS, message: 'src/protocol is imported by workflow code: no Node modules.' },
            {
              group: ['@temporalio/*', '!@temporalio/workflow', '!@temporalio/common'],
              message: "src/protocol uses only the SDK's definitions (@temporalio/workflow, common).",
              allowTypeImports: true,
            },
            {
              group: ['**/activities/*', '**/client/*', '**/worker/*', '**/server/*', '**/codec/*', '**/workflows/*'],
              message: 'src/protocol imports only src/dsl.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI is the entry point: no room imports it, not even the package root (bin/weft.js loads it); and
    // only the CLI starts servers.
    // Core no-restricted-imports here, typescript-eslint's above: one rule name per concern, so blocks do not override each other.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/server/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_THE_CLI, NOT_THE_SERVER] }] },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_THE_CLI] }] },
  },
);
