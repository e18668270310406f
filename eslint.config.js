// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The dependency rule: the domain is pure, and only adapters touch vendors.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'http', 'crypto'], message: 'The domain does no I/O.' },
            { group: ['kysely', 'pg', 'better-sqlite3', 'fastify', 'pino', '@slack/*'], message: 'The domain is vendor-free.' },
            { group: ['../*'], message: 'The domain imports nothing outside itself.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['kysely', 'pg', 'better-sqlite3', 'fastify', '@slack/*'], message: 'Services talk to ports, not vendors.' },
            { group: ['../http/*', '../repositories/*', '../db/*', '../cli/*'], message: 'Services depend on domain and ports only.' },
          ],
        },
      ],
    },
  },
);
