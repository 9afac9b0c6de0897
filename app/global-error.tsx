"use client";
import "./globals.css";

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <main className="mx-auto max-w-lg px-4 py-24 text-center">
          <h1 className="text-xl font-semibold text-slate-900">Cellgate could not load</h1>
          <p className="mt-2 text-sm text-slate-600">
            {error.digest ? <>Reference <code className="font-mono">{error.digest}</code>. </> : null}Try again in a moment.
          </p>
          <button type="button" onClick={reset} className="mt-6 rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white">
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
