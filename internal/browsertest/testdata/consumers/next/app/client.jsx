'use client';
// A client component: the package is imported while the page renders on the
// server too, where it must not throw; it runs in the browser only.
import { useEffect, useRef } from 'react';
import { run } from '../../shared/app.js';

export default function Client() {
  const out = useRef(null);
  useEffect(() => {
    run(out.current);
  }, []);
  return <pre id="result" ref={out} />;
}
