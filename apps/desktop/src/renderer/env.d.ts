// Side-effect stylesheet imports, bundled by vite.
declare module '*.css'
