#!/usr/bin/env node
// Thin launcher so the bin exists before the TypeScript build has run.
import { main } from '../dist/cli.js';

await main(process.argv);
