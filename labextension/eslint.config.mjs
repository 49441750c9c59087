// ESLint flat config: the extension template's rules (eslint and typescript-eslint
// recommended,
// @jupyter/eslint-plugin, I-prefixed interfaces, curly, eqeqeq) plus React; prettier
// owns formatting, so eslint-config-prettier comes last.
import js from '@eslint/js';
import jupyter from '@jupyter/eslint-plugin';
import prettier from 'eslint-config-prettier';
import react from 'eslint-plugin-react';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['lib/', 'lib-test/', 'node_modules/', '**/*.generated.ts']
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  jupyter.configs.recommended,
  {
    rules: {
      // The sidebar is not translated (no ITranslator anywhere yet).
      'jupyter/no-untranslated-string': 'off',
      // The sidebar, its models and commands are needed as soon as it activates.
      'jupyter/prefer-lazy-imports': 'off'
    }
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ...react.configs.flat.recommended,
    settings: { react: { version: '18' } }
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/naming-convention': [
        'error',
        {
          selector: 'interface',
          format: ['PascalCase'],
          custom: { regex: '^I[A-Z]', match: true }
        }
      ],
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-namespace': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'none', caughtErrors: 'none' }
      ],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error',
      'react/prop-types': 'off'
    }
  },
  {
    files: ['scripts/**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        URL: 'readonly'
      }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  prettier
);
