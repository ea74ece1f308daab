#!/usr/bin/env node
import { hideBin } from 'yargs/helpers';
import { run } from './app.js';

const code = await run(hideBin(process.argv));
process.exitCode = code;
