import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'dist-sample/',
      'dist-all/',
      'coverage/',
      'data/',
      '.cache/',
      '.aiofs-test/',
      'test/docs/.snippets/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['lib/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../backends/*',
                '../nest/*',
                '../health/*',
                '../backends',
                '../nest',
                '../health',
                '../http',
                '../http/*',
              ],
              message: 'lib/core imports nothing above it.',
            },
            {
              group: ['ioredis', '@azure/*', '@nestjs/*'],
              message: 'lib/core imports no SDK and no Nest.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/backends/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '../../nest/*',
                '../../health/*',
                '../../http/*',
                '../nest/*',
                '../health/*',
                '../http/*',
              ],
              message: 'backends use core only.',
            },
            {
              group: ['ioredis', '@azure/*'],
              allowTypeImports: true,
              message: 'load SDKs lazily with loadSdk().',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['lib/nest/**/*.ts', 'lib/health/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../http', '../http/*'],
              message: 'lib/http sits above nest and health: arrows point down.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
