#!/usr/bin/env bash
# Makes the monorepo-size package-lock.json of the dependency benchmark: resolution only
# (`--package-lock-only`, no tarballs, no install scripts) of ~120 popular packages, in the
# rounds used on 2026-12-02 (11,543 packages then; the registry moves, so the count will drift).
# Usage: bash bench/npm_monorepo.sh [OUT]   (default /var/tmp/ferret-bench/npm-10k)
set -euo pipefail
out="${1:-/var/tmp/ferret-bench/npm-10k}"
mkdir -p "$out" && cd "$out"
rm -f package-lock.json
echo '{"name":"monorepo","version":"1.0.0","private":true}' > package.json
add() { npm install --package-lock-only --ignore-scripts --legacy-peer-deps --no-audit --no-fund "$@"; }
add react-scripts gatsby @angular/cli @angular/core jest webpack eslint typescript next @nestjs/cli \
  @nestjs/core aws-sdk @vue/cli @storybook/react lerna nx @babel/core rollup parcel vite mocha karma \
  puppeteer sequelize typeorm mongoose express koa hapi fastify socket.io lodash moment axios request \
  gulp grunt-cli yo ember-cli prisma @graphql-codegen/cli
add @docusaurus/core @mui/material antd three electron react-native @ionic/cli hardhat web3 ethers \
  typedoc googleapis @google-cloud/storage @aws-sdk/client-s3 @aws-sdk/client-dynamodb nuxt \
  @remix-run/dev @sveltejs/kit svelte sass less stylelint prettier husky lint-staged cypress \
  playwright @testing-library/react webdriverio @swc/core esbuild turbo verdaccio pm2 nodemon ts-node
add aws-cdk-lib aws-cdk @pulumi/pulumi @pulumi/aws cdktf discord.js @slack/bolt twilio stripe \
  @sentry/node newrelic dd-trace @opentelemetry/sdk-node @opentelemetry/auto-instrumentations-node \
  graphql apollo-server @apollo/client relay-compiler @reduxjs/toolkit mobx rxjs @tanstack/react-query \
  styled-components @emotion/react tailwindcss postcss autoprefixer @babel/preset-env babel-loader \
  ts-loader webpack-dev-server http-server browser-sync @vitejs/plugin-react vitest ava tap nyc c8 \
  sinon chai supertest nock msw @faker-js/faker @angular/material quasar @vue/cli-service \
  gatsby-plugin-image
add @storybook/cli @angular-devkit/build-angular @nx/react @nx/next @nx/node jsdom \
  @graphql-tools/schema mercurius
add @medusajs/medusa-cli @docusaurus/preset-classic @redwoodjs/cli @backstage/cli
python3 -c "import json; print(len(json.load(open('package-lock.json'))['packages']) - 1, 'packages')"
