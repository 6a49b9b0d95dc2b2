import { run } from './app.js';

run(document.getElementById('result'));
