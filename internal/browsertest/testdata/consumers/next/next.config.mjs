// Next.js 16 (Turbopack), app router, exported as static files.
export default { output: 'export' };
