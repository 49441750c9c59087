// ESLint flat config: the extension template's rules (eslint and typescript-eslint
// recommended,
// @jupyter/eslint-plugin, I-prefixed interfaces, curly, eqeqeq) plus React; prettier
// owns formatting, so eslint-config-prettier comes last.
import { readdirSync } from 'node:fs';
import { URL } from 'node:url';

import js from '@eslint/js';
import jupyter from '@jupyter/eslint-plugin';
import prettier from 'eslint-config-prettier';
import react from 'eslint-plugin-react';
import tseslint from 'typescript-eslint';

// Layering of src/: `shared/` imports nothing outside itself (no feature folder,
// no module at the top of src/); a feature folder imports `shared/` and itself,
// never another feature nor the top of src/ (whose modules import every feature).
// The top of src/ (index, commands, api, Sidebar, SidebarTabs, mm, contract) is
// the composition root and the tests exercise everything: both may import any
// folder, so no rule covers them. Every other folder of src/ is a feature: a new
// one is covered as soon as it exists.
const FEATURES = readdirSync(new URL('./src', import.meta.url), {
  withFileTypes: true
})
  .filter(e => e.isDirectory() && !['shared', '__tests__'].includes(e.name))
  .map(e => e.name);

const layering = [
  {
    files: ['src/shared/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./',
              message:
                'shared/ imports nothing outside itself: move what belongs to a feature into that feature, or what every feature needs into shared/.'
            }
          ]
        }
      ]
    }
  },
  ...FEATURES.map(feature => ({
    files: [`src/${feature}/**/*.{ts,tsx}`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!shared/)',
              message: `${feature}/ imports shared/ and itself only: what two features need belongs in shared/, and the top of src/ composes the features.`
            }
          ]
        }
      ]
    }
  }))
];

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
  ...layering,
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
