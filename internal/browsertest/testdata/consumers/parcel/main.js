import { run } from '../shared/app.js';

run(document.getElementById('result'));
